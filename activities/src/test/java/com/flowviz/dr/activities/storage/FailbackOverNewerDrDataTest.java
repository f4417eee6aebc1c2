package com.flowviz.dr.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.audit.AuditActivitiesImpl;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflowImpl;
import com.flowviz.dr.workflows.failover.DnsApproval;
import com.flowviz.dr.workflows.failover.FailoverProgress;
import com.flowviz.dr.workflows.failover.FailoverRequest;
import com.flowviz.dr.workflows.failover.FailoverResult;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A failback over newer DR data, measured for real: the primary and DR buckets in moto (two
 * regions, each read by a client of its region), the freshness activity that lists them, and the
 * audit trail in PostgreSQL. The DR side ran for a day after the primary's last backup and backed
 * itself up into its own bucket; the failback would restore the primary's older backup. It holds at
 * the failback-data-loss gate naming both backups and the 5 hours between them, and a rejection
 * ends it before any infrastructure is touched (no terraform, DNS or health activity is even
 * registered: one scheduled would never finish). About 10 seconds once moto and PostgreSQL are up.
 */
class FailbackOverNewerDrDataTest {

  private static final DateTimeFormatter KEY_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  @TempDir Path work;
  private TestWorkflowEnvironment env;
  private S3Client east;
  private S3Client west;
  private AuditStore audit;

  @BeforeEach
  void setUp() {
    east = AwsClients.s3("us-east-1", TestMoto.endpoint());
    west = AwsClients.s3("us-west-2", TestMoto.endpoint());
    BackupStores stores =
        new BackupStores(
            new S3BackupStore(east, S3BackupStore.DEFAULT_PART_SIZE),
            region ->
                new S3BackupStore(
                    AwsClients.s3(region, TestMoto.endpoint()), S3BackupStore.DEFAULT_PART_SIZE));
    audit = new AuditStore(TestPostgres.client(), TestPostgres.newDatabaseName("audit"));
    env = TestWorkflowEnvironment.newInstance();
    RunSearchAttributes.ALL.forEach(
        key ->
            env.registerSearchAttribute(
                key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(CrossRegionFailoverWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new BackupStorageActivitiesImpl(stores, new WorkDirectory(work)),
        new AuditActivitiesImpl(audit));
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
    east.close();
    west.close();
  }

  @Test
  void
      aFailbackThatWouldRestoreThePrimarysOlderBackupHoldsStatingTheLossAndARejectionTouchesNothing()
          throws Exception {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis()).truncatedTo(ChronoUnit.SECONDS);
    String primary = TestMoto.newBucket(east, "flowviz-backups", "us-east-1");
    String dr = TestMoto.newBucket(west, "flowviz-backups-prod-us-west-2", "us-west-2");
    String primaryNewest = backup(east, primary, now.minus(Duration.ofHours(6)));
    backup(east, primary, now.minus(Duration.ofHours(30)));
    backup(west, dr, now.minus(Duration.ofHours(6))); // the replica of the primary's last backup
    String drNewest = backup(west, dr, now.minus(Duration.ofHours(1)));
    FailoverRequest failback =
        FailoverRequest.builder()
            .direction("failback")
            .sourceBucket(primary)
            .sourceRegion("us-east-1")
            .compareBucket(dr)
            .compareRegion("us-west-2")
            .dnsApproval(new DnsApproval("pre-approved", "change CAB-42"))
            .operator("erin")
            .reason("us-east-1 is back")
            .build();
    WorkflowStub stub =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(
                "CrossRegionFailover",
                WorkflowOptions.newBuilder()
                    .setTaskQueue(TaskQueues.DR)
                    .setWorkflowId("failback-real-buckets")
                    .build());
    stub.start(failback);

    FailoverProgress waiting = awaitGate(stub);
    assertEquals(Decision.FAILBACK_DATA_LOSS, waiting.pendingGate());
    assertTrue(
        waiting.gateQuestion().contains("the DR side's newest backup " + drNewest),
        waiting.gateQuestion());
    assertTrue(
        waiting
            .gateQuestion()
            .contains("is 5h 00m newer than the primary's newest backup " + primaryNewest),
        waiting.gateQuestion());
    assertEquals(drNewest, waiting.freshness().compared().newest().key());

    stub.update(
        "decide",
        String.class,
        Decision.reject(
            Decision.FAILBACK_DATA_LOSS,
            "henry",
            "back up the DR database into the primary bucket first"));
    FailoverResult result = stub.getResult(FailoverResult.class);

    assertEquals(FailoverResult.FAILBACK_DATA_LOSS_REJECTED, result.outcome());
    assertEquals(null, result.stack(), "nothing was provisioned");
    String history = env.getWorkflowClient().fetchHistory("failback-real-buckets").toJson(false);
    assertFalse(
        history.contains("ApplyStack") || history.contains("applyStack"),
        "no terraform activity was scheduled");
    List<AuditEntry> trail = audit.entriesOf("failback-real-buckets");
    AuditEntry last = trail.get(trail.size() - 1);
    assertEquals("failback", last.step());
    assertEquals(FailoverResult.FAILBACK_DATA_LOSS_REJECTED, last.outcome());
    assertTrue(
        last.details().contains("rejected by henry")
            && last.details().contains(drNewest)
            && last.details().contains("5h 00m newer"),
        last.details());
  }

  private FailoverProgress awaitGate(WorkflowStub stub) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      FailoverProgress progress = stub.query("progress", FailoverProgress.class);
      if (progress.pendingGate() != null) {
        return progress;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the failback never reached a gate: " + stub.query("progress", FailoverProgress.class));
  }

  private static String backup(S3Client s3, String bucket, Instant takenAt) {
    String key = "daily/flowviz_daily_" + KEY_TIME.format(takenAt) + ".dump.gpg";
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("encrypted"));
    return key;
  }
}
