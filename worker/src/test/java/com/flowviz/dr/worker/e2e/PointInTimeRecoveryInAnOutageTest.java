package com.flowviz.dr.worker.e2e;

import static com.flowviz.dr.worker.e2e.SeparateWorkerStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.sample.SampleFlowVizDatabase;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.basebackup.TakeBaseBackupRequest;
import com.flowviz.dr.workflows.basebackup.TakeBaseBackupResult;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeRequest;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeResult;
import com.flowviz.dr.workflows.procedures.Procedures;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A point-in-time recovery under the conditions of a real outage, with a worker process of its own:
 * the primary is down (stopped with {@code pg_ctl -m immediate} before the recovery starts, and
 * still the worker's configured production server); a second operator starts a recovery onto the
 * same instance name while the first one downloads; the worker gets SIGTERM mid-download, and the
 * first object GET after it is cut off by the network. The first recovery ends with every archived
 * row, the second is refused at once naming the first, and one server runs on the instance.
 */
class PointInTimeRecoveryInAnOutageTest {

  private static final PgBinaries BINARIES = PgBinaries.locate(null);
  private static final int ROWS_BEFORE_BACKUP = 2000;
  private static final int ROWS_AFTER_BACKUP = 40;

  @TempDir Path dir;

  @Test
  void theRecoveryOutlivesAStoppedPrimaryASecondOperatorASigtermAndACutDownload() throws Exception {
    String password = "pw-" + UUID.randomUUID();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    TakeBaseBackupEndToEndTest.ArchivingPostgres source =
        TakeBaseBackupEndToEndTest.ArchivingPostgres.archiving(
            dir.resolve("pg"),
            password,
            0,
            "CREATE TABLE lots (id int PRIMARY KEY, code text NOT NULL)",
            "INSERT INTO lots SELECT g, 'LOT-' || g FROM generate_series(1, "
                + ROWS_BEFORE_BACKUP
                + ") g");
    // The application's database, which runbook 5.1/5.2 verify on the recovered copy.
    SampleFlowVizDatabase.create(source.client(), "flowviz", 50, Instant.now());
    try (SeparateWorkerStack stack = new SeparateWorkerStack(dir)) {
      String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
      source.becomeProductionOf(stack, dir, password);
      Path signers = dir.resolve("signers.asc");
      Files.write(
          signers, WorkerTestStack.get().gpg.exportPublicKey(WorkerTestStack.SIGNING_EMAIL, true));
      stack.property("flowviz.gpg.signer-public-key-file", signers);
      // The audit database is on the primary: with the primary down, entries are kept in the
      // compliance bucket's copy and forwarded later.
      String compliance = TestMoto.newBucket(stack.s3, "flowviz-compliance");
      stack.property("flowviz.audit.bucket", compliance);
      // SIGTERM interrupts the download instead of letting it finish.
      stack.property("flowviz.worker.shutdown-grace", "1s");

      WorkerProcess worker = stack.startWorker();
      String instance = "pitr-outage";
      try {
        WorkflowStub backup =
            stack.client.newUntypedWorkflowStub(
                Procedures.TAKE_BASE_BACKUP.typeName(),
                SeparateWorkerStack.options("base-backup-" + System.nanoTime()));
        backup.start(TakeBaseBackupRequest.builder().operator("e2e").bucket(bucket).build());
        assertEquals(
            TakeBaseBackupResult.TAKEN,
            backup.getResult(3, TimeUnit.MINUTES, TakeBaseBackupResult.class).outcome());
        for (int id = ROWS_BEFORE_BACKUP + 1; id <= ROWS_BEFORE_BACKUP + ROWS_AFTER_BACKUP; id++) {
          source.execute("INSERT INTO lots VALUES (" + id + ", 'LOT-' || " + id + ")");
        }
        String last = source.query("SELECT pg_walfile_name(pg_switch_wal())");
        RestoreToPointInTimeEndToEndTest.awaitFile(source.archive().resolve(last));
        RestoreToPointInTimeEndToEndTest.pushArchive(stack.s3, bucket, source);
        // THE OUTAGE: the primary is down from here on; nothing below may need it.
        source.crash();

        stack.proxy.throttleDownloads(256 * 1024);
        WorkflowStub alice =
            stack.client.newUntypedWorkflowStub(
                Procedures.RESTORE_TO_POINT_IN_TIME.typeName(),
                SeparateWorkerStack.options("restore-pitr-alice"));
        alice.start(request(instance, bucket, "alice"));
        // An operator follows it with watch, across the SIGTERM and the new worker.
        StringWriter watched = new StringWriter();
        CompletableFuture<Integer> watch =
            CompletableFuture.supplyAsync(
                () ->
                    StarterCommand.run(
                        new PrintWriter(watched, true),
                        new PrintWriter(new StringWriter()),
                        "watch",
                        "--address",
                        stack.temporal.address(),
                        "--json",
                        "--interval",
                        "PT0.2S",
                        "restore-pitr-alice"));
        Path staging = stack.instances.resolve(instance).resolve("data.restore");
        await(
            "the base backup is being extracted",
            Duration.ofMinutes(2),
            () -> filesUnder(staging) > 10);

        // A second operator, a second workflow id, the same instance name.
        WorkflowStub bob =
            stack.client.newUntypedWorkflowStub(
                Procedures.RESTORE_TO_POINT_IN_TIME.typeName(),
                SeparateWorkerStack.options("restore-pitr-bob"));
        bob.start(request(instance, bucket, "bob"));
        WorkflowFailedException refused =
            assertThrows(
                WorkflowFailedException.class,
                () -> bob.getResult(2, TimeUnit.MINUTES, RestoreToPointInTimeResult.class));
        // The procedure fails with the activity's own type and message.
        ApplicationFailure why = assertInstanceOf(ApplicationFailure.class, refused.getCause());
        assertEquals(FailureTypes.INSTANCE_CLAIMED, why.getType(), why.getOriginalMessage());
        assertTrue(
            why.getOriginalMessage().contains("workflow restore-pitr-alice"),
            why.getOriginalMessage());
        assertEquals(
            0, laterAttempts(stack, "restore-pitr-bob"), "a claimed instance is not retried");
        assertTrue(filesUnder(staging) > 10, "alice's extraction was left alone");

        // SIGTERM mid-download; the next download the retry makes is cut by the network.
        WorkerProcess.Termination stopped = worker.terminate(Duration.ofSeconds(60));
        assertTrue(stopped.ended(), "SIGTERM ends the worker");
        stack.proxy.throttleDownloads(0);
        stack.proxy.dropNextDownloadAfter(64 * 1024);
        worker = stack.startWorker();

        RestoreToPointInTimeResult result =
            alice.getResult(5, TimeUnit.MINUTES, RestoreToPointInTimeResult.class);

        assertEquals(0, watch.get(1, TimeUnit.MINUTES), watched.toString());
        List<JsonNode> looks = new ArrayList<>();
        for (String line : watched.toString().lines().toList()) {
          looks.add(Json.MAPPER.readTree(line));
        }
        JsonNode download =
            looks.stream()
                .filter(l -> "RestoreBaseBackup".equals(l.path("activity").asText()))
                .filter(l -> l.path("bytes").asLong() > 0)
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("watch never showed the download: " + looks));
        assertEquals("bytes", download.path("unit").asText(), download.toString());
        assertTrue(download.path("totalBytes").asLong() > 1_000_000, download.toString());
        assertEquals("restore-base-backup-and-spool-wal", download.path("step").asText());
        assertTrue(download.path("bytesPerSecond").asLong() > 0, download.toString());

        PgClient recovered =
            new PgClient(
                new PgConnectionSettings(
                    result.reached().host(), result.reached().port(), "admin", password, null));
        assertEquals(
            String.valueOf(ROWS_BEFORE_BACKUP + ROWS_AFTER_BACKUP),
            query(recovered, "SELECT count(*) FROM lots"),
            "every row archived before the primary stopped");
        assertEquals("f", query(recovered, "SELECT pg_is_in_recovery()"));
        assertTrue(
            result.verification().passed(),
            "5.1/5.2 on the copy, logged in as production's role: " + result.verification());
        assertEquals(RestoreToPointInTimeResult.RECOVERED, result.outcome());
        // History keeps the started event of the last attempt only, with its number.
        // (The cut fails an attempt too, unless it met a WAL fetch that retried by itself; a cut
        // once failed the whole recovery as "tampered".)
        int attempts = finalAttempt(stack, "restore-pitr-alice", "RestoreBaseBackup");
        assertTrue(attempts >= 2, "the restore ran again after the SIGTERM: attempt " + attempts);
        assertFalse(Files.exists(staging), "no half extraction is left");
        assertTrue(
            stack.s3.listObjectsV2(b -> b.bucket(compliance).prefix("audit-trail/")).keyCount() > 0,
            "the recovery's audit entries were kept while the audit database was down");
        assertFalse(
            Files.exists(dir.resolve("pg").resolve("data").resolve("postmaster.pid")),
            "the primary stayed down throughout");
      } catch (AssertionError | RuntimeException e) {
        System.out.println("Worker log:\n" + worker.log());
        throw e;
      } finally {
        worker.close();
        LocalPostgresCluster.existing(stack.instances.resolve(instance), BINARIES).destroy();
        source.destroy();
      }
    }
  }

  private static RestoreToPointInTimeRequest request(
      String instance, String bucket, String operator) {
    return RestoreToPointInTimeRequest.builder()
        .instance(instance)
        .bucket(bucket)
        .latest(true)
        .operator(operator)
        .reason("primary lost")
        .build();
  }

  /** Activity attempts after the first, over the whole workflow. */
  private static long laterAttempts(SeparateWorkerStack stack, String workflowId) {
    return stack.client.fetchHistory(workflowId).getHistory().getEventsList().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
        .filter(e -> e.getActivityTaskStartedEventAttributes().getAttempt() > 1)
        .count();
  }

  /** The attempt that ended an activity of that type (the last one's number). */
  private static int finalAttempt(SeparateWorkerStack stack, String workflowId, String type) {
    var events = stack.client.fetchHistory(workflowId).getHistory().getEventsList();
    java.util.Set<Long> scheduled =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .filter(
                e ->
                    e.getActivityTaskScheduledEventAttributes()
                        .getActivityType()
                        .getName()
                        .equals(type))
            .map(e -> e.getEventId())
            .collect(java.util.stream.Collectors.toSet());
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
        .filter(
            e ->
                scheduled.contains(e.getActivityTaskStartedEventAttributes().getScheduledEventId()))
        .mapToInt(e -> e.getActivityTaskStartedEventAttributes().getAttempt())
        .max()
        .orElse(0);
  }

  private static long filesUnder(Path root) {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).count();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  private static String query(PgClient pg, String sql) throws Exception {
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
