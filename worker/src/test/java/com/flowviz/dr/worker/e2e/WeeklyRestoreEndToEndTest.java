package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflow;
import com.flowviz.dr.workflows.archive.WeeklyRestoreRequest;
import com.flowviz.dr.workflows.archive.WeeklyRestoreResult;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** Runbook 4.2 through the real worker: weekly backups in Deep Archive, the starter, bad input. */
class WeeklyRestoreEndToEndTest {

  private final WorkerTestStack stack = WorkerTestStack.get();
  private String source;
  private String bucket;

  @BeforeEach
  void data() {
    source = TestPostgres.newSampleDatabase("flowviz", 200);
    bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
  }

  @Test
  void aNotificationFromTheStarterEndsTheWaitAndTheBackupLandsInAnAuditDatabase() throws Exception {
    BackupResult backup = weeklyBackup();
    assertEquals("DEEP_ARCHIVE", backup.storageClass());
    assertEquals(
        "DEEP_ARCHIVE",
        stack.s3.headObject(b -> b.bucket(bucket).key(backup.key())).storageClassAsString());
    assertTrue(
        backup.retention() != null && backup.retention().compliant(),
        "a bucket without lifecycle rules keeps everything");
    stack.proxy.holdRetrieval(bucket, backup.key());
    String id = "restore-weekly-" + UUID.randomUUID();

    assertEquals(
        0,
        starter(
            "restore-weekly",
            "--bucket",
            bucket,
            "--backup",
            backup.key(),
            "--production-database",
            source,
            "--poll-interval",
            "PT1H",
            "--workflow-id",
            id,
            "--no-follow"));
    awaitWaiting(id);
    // inspect, request (a look before and after), then the poll's first look: the next is an hour
    // away.
    awaitLooks(backup.key(), 4);
    stack.proxy.completeRetrieval(bucket, backup.key());
    assertEquals(0, starter("retrieved", id, "--key", backup.key()));

    WeeklyRestoreResult result =
        stack.client.newUntypedWorkflowStub(id).getResult(WeeklyRestoreResult.class);
    assertEquals("NOTIFICATION", result.retrieval().completedBy(), "not the hourly poll");
    String audit = source + "_audit_" + backup.key().replaceAll(".*_weekly_(\\d{8}).*", "$1");
    assertEquals(audit, result.targetDatabase());
    assertEquals(TestPostgres.fingerprint(source), TestPostgres.fingerprint(audit));
    StringWriter out = new StringWriter();
    assertEquals(
        0,
        StarterCommand.run(
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "status",
            "--address",
            stack.temporal.address(),
            id));
    assertTrue(
        out.toString()
            .contains(
                "Retrieval: " + backup.key() + " from DEEP_ARCHIVE, tier Standard, requested"),
        out.toString());
  }

  @Test
  void anObjectKeyThatDoesNotExist() {
    expectFailure(
        request("weekly/flowviz_weekly_19990101.dump.gpg", "Standard", 7),
        FailureTypes.BACKUP_NOT_FOUND,
        "There is no object");
  }

  @Test
  void aBucketWithoutAccess() {
    String key = putArchived(StorageClass.DEEP_ARCHIVE);
    stack.proxy.denyBucket(bucket);
    expectFailure(request(key, "Standard", 7), FailureTypes.BACKUP_ACCESS_DENIED, "was denied");
  }

  @Test
  void expeditedForDeepArchiveSendsNoRequest() {
    String key = putArchived(StorageClass.DEEP_ARCHIVE);
    expectFailure(
        request(key, "Expedited", 7),
        FailureTypes.INVALID_INPUT,
        "Standard (within 12 hours) or Bulk (within 48 hours)");
    assertEquals(0, stack.proxy.restoreObjectRequests(bucket, key));
  }

  @Test
  void aDaysValueOutOfRange() {
    String key = putArchived(StorageClass.GLACIER);
    expectFailure(
        request(key, "Standard", 0), FailureTypes.INVALID_INPUT, "retrievalDays 0 is out of range");
    expectFailure(
        request(key, "Bulk", 4000),
        FailureTypes.INVALID_INPUT,
        "retrievalDays 4000 is out of range");
    assertEquals(0, stack.proxy.restoreObjectRequests(bucket, key));
  }

  @Test
  void aTierThatDoesNotExist() {
    String key = putArchived(StorageClass.GLACIER);
    expectFailure(
        request(key, "Overnight", 7), FailureTypes.INVALID_INPUT, "is not a retrieval tier");
  }

  @Test
  void theStarterReportsARetentionViolationWithoutFailing() {
    stack.s3.putBucketLifecycleConfiguration(
        b ->
            b.bucket(bucket)
                .lifecycleConfiguration(
                    c ->
                        c.rules(
                            r ->
                                r.id("weekly-90-days")
                                    .filter(f -> f.prefix("weekly/"))
                                    .status("Enabled")
                                    .expiration(e -> e.days(90)))));
    StringWriter out = new StringWriter();
    int exit =
        StarterCommand.run(
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "retention",
            "--address",
            stack.temporal.address(),
            "--bucket",
            bucket);
    assertEquals(4, exit, out.toString());
    assertTrue(out.toString().contains("NOT COMPLIANT"), out.toString());
    assertTrue(out.toString().contains("deleted after 90 days"), out.toString());
  }

  private void expectFailure(WeeklyRestoreRequest request, String type, String messagePart) {
    String id = "restore-weekly-bad-" + UUID.randomUUID();
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stack
                    .client
                    .newWorkflowStub(RestoreFromWeeklyBackupWorkflow.class, options(id))
                    .restore(request));
    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(type, failure.getType(), failure.getOriginalMessage());
    assertTrue(failure.isNonRetryable());
    assertTrue(failure.getOriginalMessage().contains(messagePart), failure.getOriginalMessage());
    assertTrue(Restores.maxActivityAttempt(id) <= 1, "nothing was retried");
    assertEquals(List.of(), TestPostgres.databasesLike(source + "\\_%"), "no database was created");
  }

  private WeeklyRestoreRequest request(String key, String tier, int days) {
    return WeeklyRestoreRequest.builder()
        .backupKey(key)
        .bucket(bucket)
        .retrievalTier(tier)
        .retrievalDays(days)
        .productionDatabase(source)
        .operator("erin")
        .build();
  }

  private BackupResult weeklyBackup() {
    return stack
        .client
        .newWorkflowStub(BackupWorkflow.class, options("weekly-backup"))
        .backup(
            BackupRequest.builder()
                .sourceDatabase(source)
                .bucket(bucket)
                .operator("schedule")
                .kind("weekly")
                .build());
  }

  private String putArchived(StorageClass storageClass) {
    String key = "weekly/" + source + "_weekly_20250112.dump.gpg";
    stack.s3.putObject(
        b -> b.bucket(bucket).key(key).storageClass(storageClass),
        RequestBody.fromString("ciphertext"));
    return key;
  }

  private int starter(String... args) {
    String[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--address=" + stack.temporal.address();
    StringWriter err = new StringWriter();
    int exit = StarterCommand.run(new PrintWriter(new StringWriter()), new PrintWriter(err), all);
    if (exit != 0) {
      System.out.println(err);
    }
    return exit;
  }

  private void awaitWaiting(String id) throws InterruptedException {
    RestoreFromWeeklyBackupWorkflow workflow =
        stack.client.newWorkflowStub(RestoreFromWeeklyBackupWorkflow.class, id);
    for (int i = 0; i < 300; i++) {
      try {
        if ("wait-for-retrieval".equals(workflow.progress().currentStep())) {
          return;
        }
      } catch (RuntimeException ignored) {
        // not started by the worker yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the weekly restore never started waiting");
  }

  private void awaitLooks(String key, long looks) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      if (stack.proxy.requests().stream()
              .filter(r -> r.method().equals("HEAD") && r.key().equals(key))
              .count()
          >= looks) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the weekly restore never looked at its retrieval");
  }

  private static WorkflowOptions options(String id) {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.DR)
        .setWorkflowId(id.startsWith("restore") ? id : id + "-" + UUID.randomUUID())
        .build();
  }
}
