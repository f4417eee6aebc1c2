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
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as docker stop, kubectl delete pod and systemctl stop send it, ends a worker process
 * within its shutdown grace whatever the worker has done: a fresh idle worker; a worker that has
 * run a whole restore (runbook 4.1) and sits idle, the one that used to deadlock in two shutdown
 * hooks; and a worker busy inside a restore's download, whose activity is interrupted at the end of
 * the grace and finished by a second worker process: the restore ends RESTORED with the live
 * database holding the backup. A process that does not end in time fails the test (no jstack
 * needed: a deadlocked worker simply never exits).
 *
 * <p>Time budget: about 150 s on 2 cores shared with other builds (measured 152 s; 253 s at load 9,
 * 542 s at load 17): four worker starts of about 10 s (one while the download is held, so it costs
 * nothing extra), a backup, two restores, one grace of {@link #GRACE}, and the 30 s heartbeat
 * timeout after which Temporal hands the interrupted download to the second worker (the stopping
 * worker cannot report the interruption: the SDK's forced stop fails that report).
 */
class WorkerStopsOnSigtermTest {

  /** The workers' flowviz.worker.shutdown-grace here; production's is 90 s. */
  private static final Duration GRACE = Duration.ofSeconds(5);

  /** Closing the HTTP server, the Temporal connection and the JVM after the grace. */
  private static final Duration MARGIN = Duration.ofSeconds(10);

  /** How long the test waits for a process before it calls it stuck (and kills it). */
  private static final Duration STUCK = GRACE.plus(MARGIN).multipliedBy(3);

  private static final Set<Integer> CLEAN_EXIT =
      Set.of(0, 143); // 143: 128 + SIGTERM, SuccessExitStatus in systemd

  @TempDir Path dir;

  @Test
  void sigtermStopsAWorkerIdleOrBusyAndTheWorkItWasDoingIsFinishedByAnother() throws Exception {
    String source = TestPostgres.newSampleDatabase("flowviz", 2000);
    Map<String, String> backedUp = TestPostgres.fingerprint(source);
    Map<String, Duration> measured = new HashMap<>();
    try (SeparateWorkerStack stack = new SeparateWorkerStack(dir)) {
      stack.property("flowviz.worker.shutdown-grace", GRACE.toSeconds() + "s");
      String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
      List<WorkerProcess> workers = new ArrayList<>();
      try {
        // 1. A fresh worker that never had work.
        WorkerProcess fresh = started(stack, workers);
        measured.put("fresh idle", stopsCleanly(fresh, "fresh and idle", GRACE));

        // 2. A worker that took a backup and ran a whole restore, then idles.
        WorkerProcess veteran = started(stack, workers);
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
        String firstLive = TestPostgres.newSampleDatabase("flowviz", 20);
        RestoreResult first =
            restore(stack, "restore-" + System.nanoTime())
                .restore(Restores.latestOf(bucket, source, firstLive));
        assertEquals(RestoreResult.RESTORED, first.outcome());
        assertEquals(backedUp, TestPostgres.fingerprint(firstLive));
        measured.put("idle after a restore", stopsCleanly(veteran, "idle after a restore", GRACE));

        // 3. A worker busy in the restore's download (about 2 MB held at 16 KiB/s by the S3 proxy)
        // when SIGTERM comes.
        stack.proxy.throttleDownloads(16 * 1024);
        WorkerProcess busy = started(stack, workers);
        String live = TestPostgres.newSampleDatabase("flowviz", 20);
        String workflowId = "restore-busy-" + System.nanoTime();
        WorkflowClient.start(
            restore(stack, workflowId)::restore, Restores.latestOf(bucket, source, live));
        await(
            "the download is under way", Duration.ofSeconds(60), () -> stack.partialDownload() > 0);
        WorkerProcess successor =
            started(stack, workers); // same host name: it may take the host's work
        assertTrue(stack.partialDownload() > 0 && busy.isAlive());

        WorkerProcess.Termination stop = busy.terminate(STUCK);
        measured.put("busy in a download", stop.took());
        assertTrue(
            stop.ended(),
            "the busy worker is still running " + stop.took() + " after SIGTERM:\n" + busy.log());
        assertTrue(CLEAN_EXIT.contains(stop.exitCode()), "exit code " + stop.exitCode());
        assertTrue(
            stop.took().compareTo(GRACE.plus(MARGIN)) < 0,
            "stopped in " + stop.took() + ", over the grace " + GRACE + " + " + MARGIN);
        assertTrue(
            stop.took().compareTo(GRACE) >= 0,
            "the running download had its grace before it was interrupted: " + stop.took());
        assertTrue(
            busy.log().contains("Worker stopped after its"),
            "the log says the download was interrupted:\n" + busy.log());

        stack.proxy.throttleDownloads(0);
        RestoreResult result =
            stack
                .client
                .newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.empty())
                .getResult(3, TimeUnit.MINUTES, RestoreResult.class);
        assertEquals(RestoreResult.RESTORED, result.outcome());
        assertTrue(result.verification().passed());
        assertEquals(
            backedUp, TestPostgres.fingerprint(live), "the live database holds the backup");
        assertTrue(
            attempts(stack.client, workflowId, "DownloadAndDecryptBackup") >= 2,
            "the second worker ran the interrupted download again");
        assertEquals(0, stack.workFiles(), "no backup file, encrypted or plain, is left on disk");

        // The successor has done restore work too; it stops the same way.
        measured.put(
            "idle after finishing a restore",
            stopsCleanly(successor, "idle after finishing another's restore", GRACE));
        System.out.println("SIGTERM to exit: " + measured);
      } catch (AssertionError | RuntimeException e) {
        for (WorkerProcess worker : workers) {
          System.out.println("Worker " + worker.pid() + " log:\n" + worker.log());
        }
        throw e;
      } finally {
        workers.forEach(WorkerProcess::close);
      }
    }
  }

  private static WorkerProcess started(SeparateWorkerStack stack, List<WorkerProcess> workers) {
    WorkerProcess worker = stack.startWorker();
    workers.add(worker);
    return worker;
  }

  /**
   * SIGTERM to an idle worker: it ends well within the grace (nothing runs), cleanly, and says so.
   */
  private static Duration stopsCleanly(WorkerProcess worker, String what, Duration within) {
    WorkerProcess.Termination stop = worker.terminate(STUCK);
    assertTrue(
        stop.ended(),
        "a worker "
            + what
            + " is still running "
            + stop.took()
            + " after SIGTERM:\n"
            + worker.log());
    assertTrue(CLEAN_EXIT.contains(stop.exitCode()), what + ": exit code " + stop.exitCode());
    assertTrue(
        stop.took().compareTo(within) < 0,
        what + ": stopped in " + stop.took() + ", over " + within);
    String log = worker.log();
    assertTrue(
        log.contains("Worker stopping: polling stopped")
            && log.contains("Worker stopped: every running activity finished"),
        what + ": the log shows the orderly stop:\n" + log);
    return stop.took();
  }

  private static RestoreFromBackupWorkflow restore(SeparateWorkerStack stack, String workflowId) {
    return stack.client.newWorkflowStub(
        RestoreFromBackupWorkflow.class, SeparateWorkerStack.options(workflowId));
  }

  private static int attempts(WorkflowClient client, String workflowId, String activityType) {
    Map<Long, String> scheduled = new HashMap<>();
    int max = 0;
    for (HistoryEvent event : client.fetchHistory(workflowId).getHistory().getEventsList()) {
      if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        scheduled.put(
            event.getEventId(),
            event.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
          && activityType.equals(
              scheduled.get(event.getActivityTaskStartedEventAttributes().getScheduledEventId()))) {
        max = Math.max(max, event.getActivityTaskStartedEventAttributes().getAttempt());
      }
    }
    return max;
  }
}
