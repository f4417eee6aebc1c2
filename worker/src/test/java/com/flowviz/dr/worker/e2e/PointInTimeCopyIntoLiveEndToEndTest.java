package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.ServerNames;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.provision.local.LocalProvisioner;
import com.flowviz.dr.activities.sample.SampleFlowVizDatabase;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeRequest;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeResult;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runbook 2.1 at a point in time: the live server stays up; its {@code flowviz} database is
 * replaced by the copy recovered to the commit of event 12 (staged on the live server through
 * {@code pg_dump -Fc} and 4.1's {@code pg_restore}, verified, swapped after a person approves), and
 * the database it replaced is kept with every event.
 */
class PointInTimeCopyIntoLiveEndToEndTest {

  private static final PgBinaries BINARIES = PgBinaries.locate(null);

  @Test
  void oneDatabaseOfTheLiveServerIsReplacedByItsCopyAsOfAChosenCommitAfterApproval()
      throws Exception {
    WorkerTestStack shared = WorkerTestStack.get();
    Path signers = Files.createTempFile("flowviz-dr-pitr-signers", ".asc");
    Files.write(signers, shared.gpg.exportPublicKey(WorkerTestStack.SIGNING_EMAIL, true));
    WorkerTestStack stack =
        WorkerTestStack.withSettings(
            Map.of("flowviz.gpg.signer-public-key-file", signers.toString()));
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    String name = "pitrlive-" + UUID.randomUUID().toString().substring(0, 8);
    String password = "pw-" + UUID.randomUUID();
    stack.putSecret(ServerNames.instanceSecret(name), password);
    new LocalProvisioner(stack.instances, BINARIES).create(new InstanceSpec(name, null), password);
    int port =
        Integer.parseInt(
            Files.readString(stack.instances.resolve(name).resolve("instance.port")).trim());
    TakeBaseBackupEndToEndTest.ArchivingPostgres live =
        TakeBaseBackupEndToEndTest.ArchivingPostgres.archiving(
            stack.instances.resolve(name),
            password,
            port,
            "ALTER SYSTEM SET track_commit_timestamp = on");
    String recovered = "pitrcopy-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      SampleFlowVizDatabase.create(live.client(), "flowviz", 50, Instant.now());
      execute(live.client(), "CREATE TABLE events (id int PRIMARY KEY, note text NOT NULL)");
      String out =
          starter(
              stack,
              "base-backup",
              "--server",
              "instance:" + name,
              "--bucket",
              bucket,
              "--operator",
              "e2e",
              "--workflow-id",
              "base-backup-pitrlive-" + name,
              "--json");
      assertEquals("TAKEN", Json.MAPPER.readTree(out).get("status").asText(), out);
      List<Instant> commits = new ArrayList<>();
      for (int id = 1; id <= 20; id++) {
        execute(live.client(), "INSERT INTO events VALUES (" + id + ", 'event " + id + "')");
        commits.add(
            Instant.parse(
                query(
                    live.client(),
                    "SELECT to_char(pg_xact_commit_timestamp(xmin) AT TIME ZONE 'UTC',"
                        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM events WHERE id = "
                        + id)));
        Thread.sleep(10);
      }
      String last = live.query("SELECT pg_walfile_name(pg_switch_wal())");
      RestoreToPointInTimeEndToEndTest.awaitFile(live.archive().resolve(last));
      RestoreToPointInTimeEndToEndTest.pushArchive(stack.s3, bucket, live);

      String id = "restore-pitr-into-live-" + recovered;
      RestoreToPointInTimeWorkflow workflow =
          stack.client.newWorkflowStub(
              RestoreToPointInTimeWorkflow.class,
              WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
      WorkflowClient.start(
          workflow::restoreToPointInTime,
          RestoreToPointInTimeRequest.builder()
              .instance(recovered)
              .bucket(bucket)
              .targetTime(commits.get(11).toString()) // the commit of event 12
              .sourceServer("instance:" + name)
              .intoLive(true)
              .approvalTimeout("PT10M")
              .operator("e2e")
              .reason("events corrupted after 12 (runbook 2.1)")
              .build());
      awaitStep(workflow, "approve-swap");
      assertEquals("20", query(live.client(), "SELECT count(*) FROM events"), "not yet swapped");

      String answer = workflow.decide(Decision.approve("swap", "erin", "checked staging"));
      RestoreToPointInTimeResult result =
          stack.client.newUntypedWorkflowStub(id).getResult(RestoreToPointInTimeResult.class);

      assertTrue(answer.startsWith("Approved swap by erin"), answer);
      assertEquals("COPIED_INTO_LIVE", result.outcome());
      assertTrue(result.stagingVerification().passed(), result.stagingVerification().toString());
      assertEquals("12", query(live.client(), "SELECT count(*) FROM events"), "as of event 12");
      assertEquals("12", query(live.client(), "SELECT max(id) FROM events"));
      String kept = result.swap().retiredDatabase();
      assertEquals(
          "20",
          queryIn(live.client(), kept, "SELECT count(*) FROM events"),
          "the replaced database keeps every event");
      assertEquals(
          "0",
          query(
              live.client(),
              "SELECT count(*) FROM pg_database WHERE datname LIKE 'flowviz_staging_%'"),
          "no staging database is left");
    } finally {
      LocalPostgresCluster.existing(stack.instances.resolve(recovered), BINARIES).destroy();
      live.destroy();
      Files.deleteIfExists(signers);
    }
  }

  private static void awaitStep(RestoreToPointInTimeWorkflow workflow, String step)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (workflow.progress().stream()
        .noneMatch(r -> r.step().equals(step) && r.outcome().equals("RUNNING"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never reached " + step + ": " + workflow.progress());
      }
      Thread.sleep(100);
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

  private static String starter(WorkerTestStack stack, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--address");
    all.add(2, stack.temporal.address());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        StarterCommand.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    assertEquals(0, exit, out + "\n" + err);
    return out.toString();
  }
}
