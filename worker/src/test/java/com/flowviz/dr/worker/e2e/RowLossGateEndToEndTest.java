package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreProgress;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Issue 15 item 2 end to end, through the real worker: a backup made by hand ({@code pg_dump -Fc |
 * gpg -e}, so without a manifest) of a nearly empty database, put under the live database's name,
 * is restored over the full live database. Its verification passes (it is a FlowViz database), but
 * compared with the live database the swap would empty its tables: the restore waits at the
 * row-loss gate naming them, the operator rejects, and nothing is swapped.
 *
 * <p>Time budget: about 40 s on 2 cores, measured 22 s (two small sample databases, one backup by
 * hand, one restore into staging on the shared stack); the gate must be reached within 120 s.
 */
class RowLossGateEndToEndTest {

  private static final Duration PROMPT = Duration.ofSeconds(120);
  private final WorkerTestStack stack = WorkerTestStack.get();
  @TempDir Path dir;

  @Test
  void
      aNearlyEmptyBackupOverAFullLiveDatabaseWaitsAtTheGateAndARejectionLeavesTheLiveDatabaseAlone()
          throws Exception {
    String live = TestPostgres.newSampleDatabase("flowviz", 300);
    String nearlyEmpty = TestPostgres.newSampleDatabase("flowviz_empty", 1);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    String key =
        "daily/"
            + live
            + "_daily_"
            + ZonedDateTime.now(ZoneOffset.UTC)
                .minusMinutes(1)
                .format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"))
            + ".dump.gpg";
    Path dump = TestPostgres.pgDump(nearlyEmpty, dir.resolve("backup.dump"));
    Path cipher = dir.resolve("backup.dump.gpg");
    Process gpg =
        stack
            .gpg
            .encryptFromStdin(WorkerTestStack.KEY_EMAIL, cipher)
            .redirectInput(dump.toFile())
            .start();
    assertTrue(gpg.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, gpg.exitValue());
    stack.s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(cipher));
    Map<String, String> before = TestPostgres.fingerprint(live);
    long liveLots = Long.parseLong(TestPostgres.query(live, "SELECT count(*) FROM lots").get(0));

    RestoreFromBackupWorkflow restore =
        stack.client.newWorkflowStub(
            RestoreFromBackupWorkflow.class, Restores.options("restore-row-loss-" + live));
    WorkflowClient.start(restore::restore, Restores.latest(bucket, live));
    String question = awaitGate(restore);

    assertTrue(
        question.contains("lots " + liveLots + " → 1 rows (" + (liveLots - 1) + " lost"), question);
    assertTrue(
        question.contains("temperature_logs") && question.contains("--gate row-loss"), question);
    assertEquals(
        before, TestPostgres.fingerprint(live), "nothing is swapped while the restore waits");
    assertEquals(
        1,
        TestPostgres.databasesLike(live + "_staging_%").size(),
        "the verified restore waits in its staging database");

    String answer =
        restore.decide(Decision.reject("row-loss", "carol", "that is not our production data"));
    WorkflowFailedException failed =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                WorkflowStub.fromTyped(restore)
                    .getResult(60, TimeUnit.SECONDS, RestoreResult.class));

    assertTrue(answer.startsWith("Rejected row-loss by carol"), answer);
    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertEquals(FailureTypes.SWAP_NOT_APPROVED, cause.getType());
    assertTrue(
        cause.getOriginalMessage().contains("rejected by carol: that is not our production data")
            && cause.getOriginalMessage().contains("not touched"),
        cause.getOriginalMessage());
    assertEquals(before, TestPostgres.fingerprint(live), "the live database is untouched");
    assertEquals(
        List.of(),
        TestPostgres.databasesLike(live + "_staging_%"),
        "the staging database is dropped");
    assertEquals(
        List.of(), TestPostgres.databasesLike(live + "_replaced_%"), "nothing was swapped");
  }

  /**
   * Polls the progress query until the restore waits at the row-loss gate; returns its question.
   */
  private static String awaitGate(RestoreFromBackupWorkflow restore) throws InterruptedException {
    long until = System.nanoTime() + PROMPT.toNanos();
    RestoreProgress progress = null;
    while (System.nanoTime() < until) {
      progress = restore.progress();
      if (progress.awaiting() != null) {
        return progress.awaiting();
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "the restore did not reach the row-loss gate within " + PROMPT + ": " + progress);
  }
}
