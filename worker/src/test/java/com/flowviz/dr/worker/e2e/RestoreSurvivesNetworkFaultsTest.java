package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreResult;
import com.flowviz.dr.workflows.restore.RestoreSteps;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runbook 4.1 through a fault proxy between the worker process and moto_server: the S3 faults a
 * restore meets on a bad day, each ending in the same verified restore.
 */
class RestoreSurvivesNetworkFaultsTest {

  @TempDir Path dir;
  private SeparateWorkerStack stack;
  private WorkerProcess worker;
  private String live;
  private String source;
  private String bucket;
  private BackupResult backup;
  private Map<String, String> backedUp;

  @BeforeEach
  void backUp() {
    stack = new SeparateWorkerStack(dir);
    worker = stack.startWorker();
    source = TestPostgres.newSampleDatabase("flowviz", 2000);
    backedUp = TestPostgres.fingerprint(source);
    bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    backup =
        stack
            .client
            .newWorkflowStub(
                BackupWorkflow.class, SeparateWorkerStack.options("backup-" + System.nanoTime()))
            .backup(
                BackupRequest.builder()
                    .sourceDatabase(source)
                    .bucket(bucket)
                    .operator("schedule")
                    .build());
    live = TestPostgres.newSampleDatabase("flowviz", 10);
  }

  @AfterEach
  void stop() {
    worker.close();
    stack.close();
  }

  @Test
  void aConnectionDroppedMidDownloadIsResumedFromItsLastByteAndSlowDownIsRetried() {
    long cut = backup.manifest().encryptedBytes() / 2;
    stack.proxy.failNextDownloads(2, 503, "SlowDown");
    stack.proxy.dropNextDownloadAfter(cut);

    RestoreResult result = restore();

    List<String> ranges = stack.proxy.objectGetRanges();
    assertEquals(
        4,
        ranges.size(),
        "two SlowDown answers, the GET that was cut, the GET that resumed: " + ranges);
    assertEquals(
        "bytes=" + cut + "-",
        ranges.get(3),
        "the retry asks for the bytes after the cut, not the whole object again");
    assertTrue(download(result).detail().contains("resumed at " + cut), download(result).detail());
    assertEquals(backedUp, TestPostgres.fingerprint(live));
    assertEquals(0, stack.workFiles(), "no backup file is left on disk");
  }

  @Test
  void aStalledTransferIsAbandonedAndResumedWithoutASecondWriterOnTheSameFile() {
    long stall = backup.manifest().encryptedBytes() / 3;
    stack.proxy.stallNextDownloadAfter(stall);

    RestoreResult result = restore();

    List<String> ranges = stack.proxy.objectGetRanges();
    assertEquals(
        List.of("", "bytes=" + stall + "-"),
        ranges.subList(0, 2),
        "resumed after the stall at its last byte: " + ranges);
    assertTrue(
        download(result).detail().contains("resumed at " + stall), download(result).detail());
    assertEquals(backedUp, TestPostgres.fingerprint(live));
    assertEquals(0, stack.workFiles(), "no backup file is left on disk");
  }

  private RestoreResult restore() {
    RestoreResult result;
    try {
      result =
          stack
              .client
              .newWorkflowStub(
                  RestoreFromBackupWorkflow.class,
                  SeparateWorkerStack.options("restore-" + System.nanoTime()))
              .restore(Restores.latestOf(bucket, source, live));
    } catch (RuntimeException e) {
      System.out.println("Worker log:\n" + worker.log());
      throw e;
    }
    assertEquals(RestoreResult.RESTORED, result.outcome());
    assertTrue(result.verification().passed());
    assertEquals(backup.key(), result.backup().key());
    return result;
  }

  private static StepRecord download(RestoreResult result) {
    return result.steps().stream()
        .filter(
            s ->
                s.step().equals(RestoreSteps.DOWNLOAD_AND_DECRYPT)
                    && s.outcome().equals(StepRecord.SUCCEEDED))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no download step in " + result.steps()));
  }
}
