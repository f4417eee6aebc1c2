package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.newinstance.NewInstanceRequest;
import com.flowviz.dr.workflows.newinstance.RestoreToNewInstanceWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** Runbook 4.3 through the real worker with the local provisioner: a real new cluster. */
class NewInstanceEndToEndTest {

  private final WorkerTestStack stack = WorkerTestStack.get();
  @TempDir Path dir;

  @Test
  void restoresIntoANewLocalInstanceRepointsTheApplicationAndIsTornDownAfter() throws Exception {
    String source = TestPostgres.newSampleDatabase("flowviz", 300);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Restores.backup(source, bucket);
    // Another database's backup, newer, in the same prefix: never the one 4.3 of source takes.
    Restores.backup(TestPostgres.newSampleDatabase("appdb", 10), bucket);
    String id = "restore-new-instance-" + UUID.randomUUID();

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        StarterCommand.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "restore-new-instance",
            "--address",
            stack.temporal.address(),
            "--bucket",
            bucket,
            "--database",
            "flowviz",
            "--source-database",
            source,
            "--workflow-id",
            id,
            "--json");

    assertEquals(0, exit, err.toString());
    JsonNode result = JsonMapper.builder().build().readTree(out.toString()).get("result");
    String instance = result.get("instance").get("name").asText();
    JsonNode server = result.get("instance").get("server");
    assertTrue(result.get("restore").get("verification").get("passed").asBoolean());
    assertTrue(
        result
            .get("restore")
            .get("backup")
            .get("key")
            .asText()
            .startsWith("daily/" + source + "_daily_"),
        "the source database's own backup: " + result.get("restore").get("backup"));
    String password =
        stack
            .secrets
            .getSecretValue(b -> b.secretId(server.get("passwordSecret").asText()))
            .secretString();
    PgClient newInstance =
        new PgClient(
            new PgConnectionSettings(
                server.get("host").asText(), server.get("port").asInt(), "admin", password, null));
    assertEquals(
        TestPostgres.fingerprint(source),
        fingerprint(newInstance, "flowviz"),
        "the new instance holds the backup row for row");
    assertEquals(List.of("uuid-ossp"), extensions(newInstance, "flowviz"));
    String env = Files.readString(stack.applicationEnvFile);
    assertTrue(
        env.contains("DB_PORT=" + server.get("port").asInt() + "\n")
            && env.contains("DB_NAME=flowviz\n"),
        env);
    assertTrue(Files.isDirectory(stack.instances.resolve(instance)));

    // The application uses it now: teardown refuses it and changes nothing (issue 15).
    StringWriter refusal = new StringWriter();
    assertTrue(
        StarterCommand.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(refusal),
                "teardown-instance",
                "--address",
                stack.temporal.address(),
                instance,
                "--reason",
                "test done")
            != 0);
    assertTrue(
        refusal.toString().contains("is the database the application is told to use"),
        refusal.toString());
    assertTrue(
        Files.isDirectory(stack.instances.resolve(instance)),
        "the application's database is still there");

    // Once the application is pointed elsewhere, the instance goes.
    Files.writeString(
        stack.applicationEnvFile,
        env.replace(
            "DB_PORT=" + server.get("port").asInt() + "\n",
            "DB_PORT=" + TestPostgres.settings().port() + "\n"));
    assertEquals(
        0,
        StarterCommand.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            "teardown-instance",
            "--address",
            stack.temporal.address(),
            instance,
            "--reason",
            "test done"));
    assertFalse(Files.exists(stack.instances.resolve(instance)), "the cluster is gone");
    assertThrows(
        software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException.class,
        () -> stack.secrets.getSecretValue(b -> b.secretId(server.get("passwordSecret").asText())));
  }

  @Test
  void aBackupFromANewerPostgresIsRefusedBeforeItIsDownloadedAndTheInstanceIsRemoved()
      throws Exception {
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Path plain = Files.write(dir.resolve("pg17.dump"), postgres17Archive());
    Path cipher = dir.resolve("pg17.dump.gpg");
    stack.gpg.encrypt(plain, cipher, List.of(WorkerTestStack.KEY_EMAIL), false, true);
    stack.s3.putObject(
        b -> b.bucket(bucket).key("daily/flowviz_daily_20250119_020000.dump.gpg"),
        RequestBody.fromFile(cipher));
    String id = "restore-new-instance-pg17-" + UUID.randomUUID();

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stack
                    .client
                    .newWorkflowStub(
                        RestoreToNewInstanceWorkflow.class,
                        WorkflowOptions.newBuilder()
                            .setTaskQueue(TaskQueues.DR)
                            .setWorkflowId(id)
                            .build())
                    .restore(
                        NewInstanceRequest.builder()
                            .bucket(bucket)
                            .databaseName("flowviz")
                            .operator("dave")
                            .build()));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.PG_VERSION_MISMATCH, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("17.2"), failure.getOriginalMessage());
    assertTrue(
        stack.client.fetchHistory(id).getHistory().getEventsList().stream()
            .noneMatch(ev -> ev.hasStartChildWorkflowExecutionInitiatedEventAttributes()),
        "no restore, so no download");
    try (var left = Files.list(stack.instances)) {
      assertTrue(
          left.noneMatch(
              p ->
                  p.getFileName()
                      .toString()
                      .equals("flowviz-db-" + com.flowviz.dr.workflows.common.Names.shortHash(id))),
          "the instance made for the run was torn down");
    }
  }

  private static Map<String, String> fingerprint(PgClient pg, String database) throws Exception {
    Map<String, String> result = new LinkedHashMap<>();
    try (Connection c = pg.connect(database)) {
      List<String> tables = new java.util.ArrayList<>();
      try (ResultSet rs =
          c.createStatement()
              .executeQuery(
                  "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY"
                      + " tablename")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY"
                        + " md5(t::text))), '-') FROM "
                        + PgClient.quote(table)
                        + " t")) {
          rs.next();
          result.put(table, rs.getString(1));
        }
      }
    }
    return result;
  }

  private static List<String> extensions(PgClient pg, String database) throws Exception {
    try (Connection c = pg.connect(database);
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT extname FROM pg_extension WHERE extname = 'uuid-ossp'")) {
      List<String> names = new java.util.ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }

  /** What pg_dump 17 writes at the start of an archive (format 1.16), then filler. */
  private static byte[] postgres17Archive() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("PGDMP".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[] {1, 16, 0, 4, 8, 1, 1});
    for (int i = 0; i < 7; i++) {
      out.writeBytes(new byte[] {0, 1, 0, 0, 0});
    }
    for (String s : new String[] {"flowviz", "17.2", "17.2"}) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(new byte[] {0, (byte) bytes.length, 0, 0, 0});
      out.writeBytes(bytes);
    }
    out.writeBytes(new byte[50_000]);
    return out.toByteArray();
  }
}
