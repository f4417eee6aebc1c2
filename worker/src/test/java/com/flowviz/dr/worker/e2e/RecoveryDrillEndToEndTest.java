package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flowviz.dr.activities.drill.DrillReport;
import com.flowviz.dr.activities.testing.HttpInbox;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.drill.DrillRequest;
import com.flowviz.dr.workflows.drill.RecoveryDrillWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Recovery drills on real components: a backup in moto_server, restored by the worker onto a
 * scratch PostgreSQL cluster the local provisioner makes with initdb, verified, timed, torn down;
 * the report in the audit database; a failed drill's notification on a webhook.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecoveryDrillEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter KEY_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  private static WorkerTestStack stack;
  private static HttpInbox inbox;

  @BeforeAll
  static void startWorker() {
    inbox = HttpInbox.start();
    stack =
        WorkerTestStack.withSettings(
            Map.of(
                "flowviz.worker.host-name",
                "drill-host",
                "flowviz.notify.webhooks",
                List.of("generic=" + inbox.url("/drills"))));
  }

  @AfterAll
  static void stop() {
    inbox.close();
  }

  @Test
  @Order(1)
  void aDrillRestoresTheNewestBackupOntoAScratchInstanceTimesItAndTearsItDown() throws Exception {
    String live = TestPostgres.newSampleDatabase("drill_live", 300);
    Map<String, String> before = TestPostgres.fingerprint(live);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Restores.backup(live, bucket);
    // Another database's backup, newer, in the same prefix: never the one a drill of live takes.
    Restores.backup(TestPostgres.newSampleDatabase("drill_other", 10), bucket);
    String target = TestPostgres.newDatabaseName("drill_target");

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        StarterCommand.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "drill",
            "--address",
            stack.temporal.address(),
            "--bucket",
            bucket,
            "--database",
            target,
            "--source-database",
            live,
            "--json");

    assertEquals(0, exit, out + "\n" + err);
    JsonNode report = JSON.readTree(out.toString()).path("result");
    assertEquals(DrillReport.PASSED, report.path("outcome").asText(), report.toPrettyString());
    assertTrue(
        report.path("backupUri").asText().contains("/daily/" + live + "_daily_"),
        "the source database's own backup: " + report.path("backupUri").asText());
    Duration rto = Duration.parse(report.path("rto").asText());
    assertTrue(
        !rto.isZero() && rto.compareTo(Duration.ofMinutes(15)) < 0,
        "measured, within the target: " + rto);
    assertEquals("WITHIN_TARGET", report.path("rtoVerdict").asText());
    assertTrue(
        Duration.parse(report.path("backupAge").asText()).compareTo(Duration.ofMinutes(10)) < 0);
    assertEquals("WITHIN_TARGET", report.path("rpoVerdict").asText());
    assertTrue(report.path("verificationPassed").asBoolean());
    for (String step :
        List.of(
            "provision-scratch-instance",
            "wait-until-ready",
            "restore/download-and-decrypt-backup",
            "restore/pg-restore-into-staging",
            "restore/verify-restored-data",
            "restore-and-verify",
            "teardown-scratch-instance")) {
      JsonNode s = step(report, step);
      assertTrue(
          Duration.parse(s.path("duration").asText()).toMillis() > 0, step + " was measured: " + s);
    }
    JsonNode transfer = step(report, "restore/download-and-decrypt-backup");
    assertEquals(report.path("backupBytes").asLong(), transfer.path("bytes").asLong());
    assertTrue(
        transfer.path("bytes").asLong() > 0 && transfer.path("bytesPerSecond").asDouble() > 0,
        transfer.toString());
    assertTrue(step(report, "restore/pg-restore-into-staging").path("bytes").asLong() > 0);

    String scratch = report.path("scratchInstance").asText();
    assertTrue(report.path("scratchTornDown").asBoolean());
    assertFalse(
        java.nio.file.Files.exists(stack.instances.resolve(scratch)),
        "the scratch cluster is gone");
    assertFalse(
        TestPostgres.databaseExists(target),
        "the restore went onto the scratch instance, not the worker's server");
    assertEquals(before, TestPostgres.fingerprint(live), "the live database was not touched");
  }

  @Test
  @Order(2)
  void aDrillOnACorruptedBackupFailsNotifiesAndStillTearsDown() throws Exception {
    String live = TestPostgres.newSampleDatabase("drill_corrupt", 100);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    String good = Restores.backup(live, bucket).key();
    byte[] bytes = stack.s3.getObjectAsBytes(b -> b.bucket(bucket).key(good)).asByteArray();
    bytes[bytes.length / 2] ^= 0x40; // one bit in the middle of the encrypted data
    Thread.sleep(1100);
    String corrupt = "daily/flowviz_daily_" + KEY_TIME.format(Instant.now()) + ".dump.gpg";
    stack.s3.putObject(b -> b.bucket(bucket).key(corrupt), RequestBody.fromBytes(bytes));
    RecoveryDrillWorkflow drill =
        stack.client.newWorkflowStub(
            RecoveryDrillWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("drill-corrupt-" + System.nanoTime())
                .build());

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> drill.drill(DrillRequest.latest(bucket, "drill-test")));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals("DrillFailed", failure.getType());
    DrillReport report = failure.getDetails().get(DrillReport.class);
    assertEquals(DrillReport.FAILED, report.outcome());
    assertTrue(
        report.backupUri().endsWith(corrupt),
        "the newest backup, the corrupted one: " + report.backupUri());
    assertNotNull(report.failure());
    assertTrue(report.scratchTornDown());
    assertFalse(
        java.nio.file.Files.exists(stack.instances.resolve(report.scratchInstance())),
        "the scratch cluster is gone after the failure too");
    HttpInbox.Received told =
        inbox.await(
            "/drills",
            b -> b.contains(report.drillId()) && b.contains("FAILED"),
            Duration.ofSeconds(30));
    assertTrue(told.body().contains("critical"), told.body());
  }

  @Test
  @Order(3)
  void theStarterListsTheDrillsFromTheAuditStoreWithTheirRto() throws Exception {
    StringWriter out = new StringWriter();
    int exit =
        StarterCommand.run(
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "drills",
            "--address",
            stack.temporal.address(),
            "--last",
            "20",
            "--json");

    assertEquals(0, exit, out.toString());
    JsonNode history = JSON.readTree(out.toString());
    List<String> outcomes = new java.util.ArrayList<>();
    history.path("drills").forEach(d -> outcomes.add(d.path("outcome").asText()));
    assertTrue(
        outcomes.contains(DrillReport.PASSED) && outcomes.contains(DrillReport.FAILED),
        outcomes.toString());
    JsonNode passed =
        java.util.stream.StreamSupport.stream(history.path("drills").spliterator(), false)
            .filter(d -> d.path("outcome").asText().equals(DrillReport.PASSED))
            .findFirst()
            .orElseThrow();
    assertTrue(
        Duration.parse(passed.path("rto").asText()).toMillis() > 0,
        "the RTO survived the audit store: " + passed);
    assertTrue(
        history.path("trend").path("statement").asText().contains("RTO"),
        history.path("trend").toString());

    StringWriter table = new StringWriter();
    assertEquals(
        0,
        StarterCommand.run(
            new PrintWriter(table),
            new PrintWriter(new StringWriter()),
            "drills",
            "--address",
            stack.temporal.address()));
    assertTrue(
        table.toString().contains("RTO VERDICT") && table.toString().contains("WITHIN_TARGET"),
        table.toString());
  }

  @Test
  @Order(4)
  void onAServerWithoutSchedulesTheStarterLeavesACronStyleDrillWithTheServer() throws Exception {
    String id = "drill-weekly-" + System.nanoTime();
    StringWriter out = new StringWriter();
    int exit =
        StarterCommand.run(
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "drill",
            "--address",
            stack.temporal.address(),
            "--every",
            "0 4 * * 6",
            "--workflow-id",
            id,
            "--json");

    assertEquals(0, exit, out.toString());
    var started =
        stack
            .client
            .fetchHistory(id)
            .getHistory()
            .getEvents(0)
            .getWorkflowExecutionStartedEventAttributes();
    assertEquals("0 4 * * 6", started.getCronSchedule());
    assertTrue(
        started.getFirstWorkflowTaskBackoff().getSeconds() > 0,
        "the first drill waits for Saturday 04:00 UTC");
    stack.client.newUntypedWorkflowStub(id).terminate("test over");
  }

  private static JsonNode step(JsonNode report, String name) {
    for (JsonNode s : report.path("steps")) {
      if (s.path("step").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError(name + " in " + report.path("steps"));
  }
}
