package com.flowviz.dr.worker.e2e;

import static com.flowviz.dr.worker.e2e.SeparateWorkerStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.S3FaultProxy;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflow;
import com.flowviz.dr.workflows.archive.WeeklyRestoreProgress;
import com.flowviz.dr.workflows.archive.WeeklyRestoreRequest;
import com.flowviz.dr.workflows.archive.WeeklyRestoreResult;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.common.StepRecord;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runbook 4.2 with the worker as a process of its own, killed with SIGKILL while it waits for a
 * Deep Archive retrieval and again in the middle of the download. New worker processes take over;
 * the restore ends verified, with one retrieval request, one restored database and no plaintext
 * left on disk.
 */
class WeeklyRestoreSurvivesWorkerKillsTest {

  @TempDir Path dir;

  @Test
  void aWeeklyRestoreCompletesAcrossTwoWorkerKills() throws Exception {
    String source = TestPostgres.newSampleDatabase("flowviz", 8000);
    Map<String, String> original = TestPostgres.fingerprint(source);
    try (SeparateWorkerStack stack = new SeparateWorkerStack(dir)) {
      String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
      WorkerProcess worker = stack.startWorker();
      try {
        BackupResult backup =
            stack
                .client
                .newWorkflowStub(
                    BackupWorkflow.class,
                    SeparateWorkerStack.options("weekly-backup-" + System.nanoTime()))
                .backup(
                    BackupRequest.builder()
                        .sourceDatabase(source)
                        .bucket(bucket)
                        .operator("schedule")
                        .kind("weekly")
                        .build());
        assertEquals(
            "DEEP_ARCHIVE",
            stack.s3.headObject(b -> b.bucket(bucket).key(backup.key())).storageClassAsString());
        stack.proxy.holdRetrieval(bucket, backup.key());

        WorkflowStub restore =
            stack.client.newUntypedWorkflowStub(
                "RestoreFromWeeklyBackup",
                SeparateWorkerStack.options("weekly-restore-" + System.nanoTime()));
        restore.start(
            WeeklyRestoreRequest.builder()
                .backupKey(backup.key())
                .bucket(bucket)
                .retrievalTier("Standard")
                .retrievalDays(7)
                .productionDatabase(source)
                .operator("carol")
                .reason("HACCP audit")
                .pollInterval("PT2S")
                .build());
        RestoreFromWeeklyBackupWorkflow typed =
            stack.client.newWorkflowStub(
                RestoreFromWeeklyBackupWorkflow.class, restore.getExecution().getWorkflowId());
        await(
            "the restore waits for the retrieval",
            Duration.ofSeconds(60),
            () -> "wait-for-retrieval".equals(currentStep(typed)));

        worker.kill(); // 1: during the wait
        long looksBefore = looks(stack.proxy, bucket, backup.key());
        worker = stack.startWorker();
        // The server goes on retrying the polling activity; the new worker is the one that looks
        // now.
        await(
            "the new worker looks at the retrieval",
            Duration.ofSeconds(90),
            () -> looks(stack.proxy, bucket, backup.key()) >= looksBefore + 2);

        stack.proxy.throttleDownloads(1024 * 1024);
        stack.proxy.completeRetrieval(bucket, backup.key());
        await(
            "the download is under way",
            Duration.ofSeconds(90),
            () -> stack.partialDownload() > 1024 * 1024);

        worker.kill(); // 2: during the download
        stack.proxy.throttleDownloads(0);
        worker = stack.startWorker();

        WeeklyRestoreResult result =
            restore.getResult(4, TimeUnit.MINUTES, WeeklyRestoreResult.class);

        assertTrue(result.restore().verification().passed());
        String target = source + "_audit_" + backup.key().replaceAll(".*_weekly_(\\d{8}).*", "$1");
        assertEquals(target, result.targetDatabase());
        assertEquals(
            original,
            TestPostgres.fingerprint(target),
            "the audit database holds the weekly backup row for row");
        assertEquals(
            1,
            stack.proxy.restoreObjectRequests(bucket, backup.key()),
            "one retrieval request across all workers");
        assertEquals(
            List.of(target),
            TestPostgres.databasesLike(source + "\\_%"),
            "one database created, no staging left");
        StepRecord download =
            result.restore().steps().stream()
                .filter(s -> s.step().startsWith("download"))
                .findFirst()
                .orElseThrow();
        assertTrue(
            download.detail().contains("resumed at"),
            "the download resumed after the kill: " + download.detail());
        assertEquals(0, stack.workFiles(), "no backup file, encrypted or plain, is left on disk");
      } catch (AssertionError | RuntimeException e) {
        System.out.println("Worker log:\n" + worker.log());
        throw e;
      } finally {
        worker.close();
      }
    }
  }

  private static String currentStep(RestoreFromWeeklyBackupWorkflow workflow) {
    try {
      WeeklyRestoreProgress progress = workflow.progress();
      return progress.currentStep();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** HeadObject requests for the backup: each is one look at the retrieval. */
  private static long looks(S3FaultProxy proxy, String bucket, String key) {
    return proxy.requests().stream()
        .filter(r -> r.method().equals("HEAD") && r.bucket().equals(bucket) && r.key().equals(key))
        .count();
  }
}
