package com.flowviz.dr.worker.e2e;

import static com.flowviz.dr.worker.e2e.SeparateWorkerStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.sample.SampleFlowVizDatabase;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.workflows.basebackup.TakeBaseBackupRequest;
import com.flowviz.dr.workflows.basebackup.TakeBaseBackupResult;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeRequest;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeResult;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeWorkflow;
import com.flowviz.dr.workflows.procedures.Procedures;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy into the live database (runbook 2.1 at a point in time) whose worker is SIGKILLed while
 * 4.1's pg_restore fills staging on the live server: the new worker restores staging afresh from
 * the archive left on the host, the swap waits for its approval, and the live database ends with
 * exactly the rows of the chosen point, no staging left.
 */
class PointInTimeCopySurvivesAWorkerKillTest {

  private static final PgBinaries BINARIES = PgBinaries.locate(null);

  @TempDir Path dir;

  @Test
  void aWorkerKilledDuringTheStagingRestoreIsReplacedAndTheCopyStillSwapsExactly()
      throws Exception {
    String password = "pw-" + UUID.randomUUID();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    TakeBaseBackupEndToEndTest.ArchivingPostgres live =
        TakeBaseBackupEndToEndTest.ArchivingPostgres.archiving(
            dir.resolve("pg"), password, 0, "ALTER SYSTEM SET track_commit_timestamp = on");
    // Enough lots that pg_restore into staging lasts seconds.
    SampleFlowVizDatabase.create(live.client(), "flowviz", 40_000, Instant.now());
    execute(live.client(), "CREATE TABLE events (id int PRIMARY KEY, note text NOT NULL)");
    try (SeparateWorkerStack stack = new SeparateWorkerStack(dir)) {
      String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
      live.becomeProductionOf(stack, dir, password);
      Path signers = dir.resolve("signers.asc");
      Files.write(
          signers, WorkerTestStack.get().gpg.exportPublicKey(WorkerTestStack.SIGNING_EMAIL, true));
      stack.property("flowviz.gpg.signer-public-key-file", signers);
      stack.property("flowviz.audit.bucket", TestMoto.newBucket(stack.s3, "flowviz-compliance"));
      WorkerProcess worker = stack.startWorker();
      String recovered = "pitr-killcopy";
      try {
        WorkflowStub backup =
            stack.client.newUntypedWorkflowStub(
                Procedures.TAKE_BASE_BACKUP.typeName(),
                SeparateWorkerStack.options("base-backup-" + System.nanoTime()));
        backup.start(TakeBaseBackupRequest.builder().operator("e2e").bucket(bucket).build());
        assertEquals(
            TakeBaseBackupResult.TAKEN,
            backup.getResult(3, TimeUnit.MINUTES, TakeBaseBackupResult.class).outcome());
        Instant target = null;
        for (int id = 1; id <= 10; id++) {
          execute(live.client(), "INSERT INTO events VALUES (" + id + ", 'event " + id + "')");
          if (id == 6) {
            target =
                Instant.parse(
                    query(
                        live.client(),
                        "SELECT to_char(pg_xact_commit_timestamp(xmin) AT TIME ZONE 'UTC',"
                            + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM events WHERE id = 6"));
          }
          Thread.sleep(10);
        }
        String last = live.query("SELECT pg_walfile_name(pg_switch_wal())");
        RestoreToPointInTimeEndToEndTest.awaitFile(live.archive().resolve(last));
        RestoreToPointInTimeEndToEndTest.pushArchive(stack.s3, bucket, live);

        String id = "restore-pitr-killcopy-" + System.nanoTime();
        RestoreToPointInTimeWorkflow workflow =
            stack.client.newWorkflowStub(
                RestoreToPointInTimeWorkflow.class, SeparateWorkerStack.options(id));
        WorkflowClient.start(
            workflow::restoreToPointInTime,
            RestoreToPointInTimeRequest.builder()
                .instance(recovered)
                .bucket(bucket)
                .targetTime(target.toString())
                .intoLive(true)
                .approvalTimeout("PT10M")
                .operator("e2e")
                .reason("events corrupted after 6 (runbook 2.1)")
                .build());
        await(
            "pg_restore fills staging on the live server",
            Duration.ofMinutes(3),
            () -> running(workflow, "restore-into-staging"));
        Thread.sleep(1000);
        worker.kill(); // SIGKILL mid pg_restore
        worker = stack.startWorker();

        await(
            "the swap waits for its approval",
            Duration.ofMinutes(3),
            () -> running(workflow, "approve-swap"));
        workflow.decide(Decision.approve("swap", "erin", "staging checked"));
        RestoreToPointInTimeResult result =
            stack.client.newUntypedWorkflowStub(id).getResult(RestoreToPointInTimeResult.class);

        assertEquals("COPIED_INTO_LIVE", result.outcome());
        assertEquals("6", query(live.client(), "SELECT count(*) FROM events"), "as of event 6");
        assertEquals(
            query(live.client(), "SELECT count(*) FROM lots"),
            queryIn(live.client(), result.swap().retiredDatabase(), "SELECT count(*) FROM lots"),
            "the lots came across whole");
        assertEquals(
            "0",
            query(
                live.client(),
                "SELECT count(*) FROM pg_database WHERE datname LIKE 'flowviz_staging_%'"),
            "no staging database is left");
        assertTrue(
            result.stagingRestore().objectsRestored() > 0, result.stagingRestore().toString());
        // History keeps the last attempt's started event: the staging restore ran again.
        var events = stack.client.fetchHistory(id).getHistory().getEventsList();
        long restoreScheduled =
            events.stream()
                .filter(e -> e.hasActivityTaskScheduledEventAttributes())
                .filter(
                    e ->
                        e.getActivityTaskScheduledEventAttributes()
                            .getActivityType()
                            .getName()
                            .equals("RestoreIntoStaging"))
                .findFirst()
                .orElseThrow()
                .getEventId();
        int attempt =
            events.stream()
                .filter(e -> e.hasActivityTaskStartedEventAttributes())
                .filter(
                    e ->
                        e.getActivityTaskStartedEventAttributes().getScheduledEventId()
                            == restoreScheduled)
                .mapToInt(e -> e.getActivityTaskStartedEventAttributes().getAttempt())
                .max()
                .orElse(0);
        assertTrue(attempt >= 2, "the kill hit the staging restore: attempt " + attempt);
      } catch (AssertionError | RuntimeException e) {
        System.out.println("Worker log:\n" + worker.log());
        throw e;
      } finally {
        worker.close();
        LocalPostgresCluster.existing(stack.instances.resolve(recovered), BINARIES).destroy();
      }
    } finally {
      live.destroy();
    }
  }

  private static boolean running(RestoreToPointInTimeWorkflow workflow, String step) {
    try {
      return workflow.progress().stream()
          .anyMatch(r -> r.step().equals(step) && r.outcome().equals("RUNNING"));
    } catch (RuntimeException e) {
      return false; // no worker answers the query while one is being replaced
    }
  }

  private static void execute(PgClient pg, String sql) throws Exception {
    try (Connection c = pg.connect("flowviz");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(PgClient pg, String sql) throws Exception {
    return queryIn(pg, "flowviz", sql);
  }

  private static String queryIn(PgClient pg, String database, String sql) throws Exception {
    try (Connection c = pg.connect(database);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
