package com.flowviz.dr.worker.e2e;

import static com.flowviz.dr.worker.e2e.SeparateWorkerStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker loses the Temporal server for 15 seconds in the middle of a download: its polls,
 * heartbeats and completions fail and are retried, it reconnects on its own, and the restore
 * completes.
 */
class RestoreSurvivesATemporalOutageTest {

  @TempDir Path dir;

  @Test
  void theWorkerReconnectsAfterATemporalOutageAndTheRestoreCompletes() throws Exception {
    String source = TestPostgres.newSampleDatabase("flowviz", 2000);
    Map<String, String> backedUp = TestPostgres.fingerprint(source);
    try (SeparateWorkerStack stack = new SeparateWorkerStack(dir);
        TcpFaultProxy network = TcpFaultProxy.to(stack.temporal.address())) {
      stack.property("flowviz.temporal.address", network.address());
      String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
      String live = TestPostgres.newSampleDatabase("flowviz", 10);
      WorkerProcess worker = stack.startWorker();
      try {
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
        stack.proxy.throttleDownloads(64 * 1024);
        RestoreFromBackupWorkflow restore =
            stack.client.newWorkflowStub(
                RestoreFromBackupWorkflow.class,
                SeparateWorkerStack.options("restore-" + System.nanoTime()));
        WorkflowStub run = WorkflowStub.fromTyped(restore);
        WorkflowClient.start(restore::restore, Restores.latestOf(bucket, source, live));

        await(
            "the download is under way", Duration.ofMinutes(2), () -> stack.partialDownload() > 0);
        network.down();
        Thread.sleep(15_000);
        assertTrue(worker.isAlive(), "the worker process rides out the outage");
        network.up();
        stack.proxy.throttleDownloads(0);

        RestoreResult result = run.getResult(5, TimeUnit.MINUTES, RestoreResult.class);
        assertTrue(network.dropped() > 0, "the outage cut the worker's open connections");
        assertEquals(RestoreResult.RESTORED, result.outcome());
        assertTrue(result.verification().passed());
        assertEquals(backedUp, TestPostgres.fingerprint(live));
      } catch (AssertionError | RuntimeException e) {
        System.out.println("Worker log:\n" + worker.log());
        throw e;
      } finally {
        worker.close();
      }
    }
  }
}
