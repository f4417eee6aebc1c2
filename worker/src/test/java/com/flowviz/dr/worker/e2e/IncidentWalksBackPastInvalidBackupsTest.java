package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.incident.StoredReport;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.compliance.FetchIncidentReportWorkflow;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflow;
import com.flowviz.dr.workflows.incident.IncidentRequest;
import com.flowviz.dr.workflows.incident.IncidentResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Section 3's "identify the latest valid backup" on real components (the incident stack's worker,
 * PostgreSQL, moto, gpg): the newest backup was damaged in the bucket after it was written, so the
 * incident restores the one before it and says why the newest was passed over. Budget: two backups
 * and one 2.1 incident, 30 s (measured 19 s on the loaded 2-core machine), plus the incident
 * stack's start when it is the first of its tests.
 */
class IncidentWalksBackPastInvalidBackupsTest {

  private final IncidentTestStack incidents = IncidentTestStack.get();
  private final WorkflowClient client = incidents.worker.client;

  @Test
  void theNewestBackupIsCorruptSoTheIncidentRestoresTheOneBeforeAndTheReportSaysWhy()
      throws Exception {
    String database = TestPostgres.newSampleDatabase("walk_back", 200);
    String bucket = TestMoto.newBucket(incidents.worker.s3, "flowviz-backups");
    Map<String, String> atOlder = TestPostgres.fingerprint(database);
    BackupResult older = backup(database, bucket);
    Thread.sleep(1100); // the next backup's name differs by its second
    TestPostgres.execute(
        database,
        "INSERT INTO users (email, full_name, role) VALUES ('late@flowviz.com', 'Late Writer',"
            + " 'operator')");
    BackupResult newest = backup(database, bucket);
    // One bit flipped in the middle of the newest object, its manifest left as the backup wrote it.
    byte[] bytes =
        incidents.worker.s3.getObjectAsBytes(b -> b.bucket(bucket).key(newest.key())).asByteArray();
    bytes[bytes.length / 2] ^= 0x10;
    incidents.worker.s3.putObject(
        b -> b.bucket(bucket).key(newest.key()), RequestBody.fromBytes(bytes));
    Thread.sleep(1100);
    Instant corruptionBegan = Instant.now();
    TestPostgres.execute(database, "UPDATE lots SET quantity = -1 WHERE status = 'released'");
    String id = "incident-walk-back-" + UUID.randomUUID().toString().substring(0, 8);

    IncidentResult result =
        client
            .newWorkflowStub(
                HandleIncidentWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build())
            .handle(
                IncidentRequest.builder()
                    .scenario("2.1")
                    .damageStartedAt(corruptionBegan.toString())
                    .operator("alice")
                    .notes("lots.quantity negative")
                    .targetDatabase(database)
                    .bucket(bucket)
                    .build());

    assertEquals(older.key(), result.backup().key(), "the newest VALID backup: " + result.steps());
    assertEquals(
        atOlder,
        TestPostgres.fingerprint(database),
        "the live database holds the older backup row for row");
    StepRecord identify =
        result.steps().stream()
            .filter(s -> s.step().equals("identify-latest-backup"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        identify.detail().contains("after passing over 1 invalid newer backup: " + newest.key()),
        identify.detail());
    assertTrue(
        identify.detail().contains("integrity") || identify.detail().contains("SHA-256"),
        identify.detail());
    StoredReport report =
        client
            .newWorkflowStub(
                FetchIncidentReportWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(TaskQueues.DR)
                    .setWorkflowId("report-" + id)
                    .build())
            .fetch(id);
    assertTrue(report.markdown().contains("backup-passed-over"), report.markdown());
    assertTrue(
        report
            .markdown()
            .contains("s3://" + bucket + "/" + newest.key() + " is not a valid backup"),
        report.markdown());
  }

  private BackupResult backup(String database, String bucket) {
    return client
        .newWorkflowStub(
            BackupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId(
                    "backup-" + database + "-" + UUID.randomUUID().toString().substring(0, 8))
                .build())
        .backup(
            BackupRequest.builder()
                .sourceDatabase(database)
                .bucket(bucket)
                .operator("test-operator")
                .reason("before the incident")
                .build());
  }
}
