package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import com.flowviz.dr.workflows.restore.RestoreSteps;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: a production-shaped database (an owner role, the application's own role with grants and
 * default privileges, {@code ALTER DATABASE ... SET statement_timeout}, collation C on a C.UTF-8
 * cluster) through the real worker. After 4.1 (restore in place) and after 4.3 (a new local
 * instance that has none of its roles) the application's role, with the password of its secret,
 * reads and writes as before and the settings are there; on the new instance the owner role is
 * created from the globals kept beside the backup, and the application is repointed with its own
 * role, never the instance's superuser. Shares IncidentTestStack (an application role and secret
 * configured). Budget: about 90 s (one backup, two restores, one initdb).
 */
class FaithfulRestoreEndToEndTest {

  private final IncidentTestStack incidents = IncidentTestStack.get();
  private final WorkerTestStack stack = incidents.worker;

  private record Production(String database, String owner) {}

  private Production production() {
    String database = TestPostgres.newDatabaseName("shop");
    String owner = database + "_owner";
    TestPostgres.execute(
        "postgres",
        "CREATE ROLE " + owner + " NOLOGIN",
        "CREATE DATABASE "
            + database
            + " OWNER "
            + owner
            + " TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'",
        "ALTER DATABASE " + database + " SET statement_timeout = '31s'");
    TestPostgres.execute(
        database,
        "SET ROLE " + owner,
        "CREATE TABLE lots (id serial PRIMARY KEY, lot_code text NOT NULL, created_at timestamptz"
            + " NOT NULL DEFAULT now())",
        "INSERT INTO lots (lot_code) SELECT 'LOT-' || g FROM generate_series(1, 40) g",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON lots TO " + incidents.appRole,
        "GRANT USAGE ON SEQUENCE lots_id_seq TO " + incidents.appRole,
        "ALTER DEFAULT PRIVILEGES FOR ROLE "
            + owner
            + " IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "
            + incidents.appRole,
        "CREATE TABLE qc_decisions (id int PRIMARY KEY, decision text)",
        "CREATE TABLE users (id int PRIMARY KEY, email text)",
        "CREATE TABLE products (id int PRIMARY KEY, name text)",
        "INSERT INTO qc_decisions VALUES (1, 'APPROVED')",
        "INSERT INTO users VALUES (1, 'qa@flowviz.com')",
        "INSERT INTO products VALUES (1, 'Vaccine A')");
    return new Production(database, owner);
  }

  private String backup(Production prod) {
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    stack
        .client
        .newWorkflowStub(BackupWorkflow.class, options("backup"))
        .backup(
            BackupRequest.builder()
                .sourceDatabase(prod.database())
                .bucket(bucket)
                .operator("test-operator")
                .reason("before the incident")
                .build());
    return bucket;
  }

  @Test
  void restoredInPlaceTheApplicationsRoleReadsAndWritesAsBefore() throws Exception {
    Production prod = production();
    String bucket = backup(prod);
    // The outage: the database's grants and setting are gone and rows too (a bad migration).
    TestPostgres.execute(
        prod.database(),
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + incidents.appRole,
        "DELETE FROM lots");
    TestPostgres.execute(
        "postgres", "ALTER DATABASE " + prod.database() + " RESET statement_timeout");

    RestoreResult result =
        stack
            .client
            .newWorkflowStub(RestoreFromBackupWorkflow.class, options("restore-faithful"))
            .restore(
                RestoreRequest.builder()
                    .backupKey("latest")
                    .bucket(bucket)
                    .targetDatabase(prod.database())
                    .operator("test-operator")
                    .reason("issue 15")
                    .build());

    assertEquals(RestoreResult.RESTORED, result.outcome());
    String pgRestore =
        result.steps().stream()
            .filter(s -> s.step().equals(RestoreSteps.PG_RESTORE))
            .findFirst()
            .orElseThrow()
            .detail();
    assertTrue(
        pgRestore.contains("owners, grants and database settings as in the archive"), pgRestore);
    PgClient server = TestPostgres.client();
    assertLikeProduction(server, prod);
    assertApplicationWorks(server, prod.database(), appPassword());
  }

  @Test
  void onANewInstanceTheOwnerIsCreatedFromTheGlobalsAndTheApplicationIsRepointedWithItsOwnRole()
      throws Exception {
    Production prod = production();
    String bucket = backup(prod);
    String id = "restore-new-instance-faithful-" + UUID.randomUUID();

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
            prod.database(),
            "--workflow-id",
            id,
            "--json");

    assertEquals(0, exit, err.toString());
    JsonNode result = JsonMapper.builder().build().readTree(out.toString()).get("result");
    String instance = result.get("instance").get("name").asText();
    JsonNode server = result.get("instance").get("server");
    try {
      String superuserPassword =
          stack
              .secrets
              .getSecretValue(
                  b -> b.secretId(server.get("passwordSecret").asText()).versionStage("AWSCURRENT"))
              .secretString();
      PgClient newInstance =
          new PgClient(
              new PgConnectionSettings(
                  server.get("host").asText(),
                  server.get("port").asInt(),
                  server.get("user").asText(),
                  superuserPassword,
                  null));
      String pgRestore = detailOf(result.get("restore").get("steps"), RestoreSteps.PG_RESTORE);
      assertTrue(
          pgRestore.contains("created from the backup's globals")
              && pgRestore.contains(prod.owner()),
          pgRestore);
      assertLikeProduction(newInstance, prod);
      assertApplicationWorks(newInstance, prod.database(), appPassword());

      String env = Files.readString(stack.applicationEnvFile);
      assertTrue(env.contains("DB_PORT=" + server.get("port").asInt() + "\n"), env);
      assertTrue(
          env.contains("DB_USER=" + incidents.appRole + "\n")
              && env.contains("DB_PASSWORD=" + appPassword() + "\n"),
          "the application's own role and secret are published: "
              + env.replace(appPassword(), "<app password>"));
      assertFalse(env.contains(superuserPassword), "never the instance's superuser password");
    } finally {
      StarterCommand.run(
          new PrintWriter(new StringWriter()),
          new PrintWriter(new StringWriter()),
          "teardown-instance",
          "--address",
          stack.temporal.address(),
          instance,
          "--reason",
          "test done");
    }
  }

  private String appPassword() throws Exception {
    String secret =
        stack
            .secrets
            .getSecretValue(
                b -> b.secretId(IncidentTestStack.APP_SECRET).versionStage("AWSCURRENT"))
            .secretString();
    return JsonMapper.builder().build().readTree(secret).get("password").asText();
  }

  private static String detailOf(JsonNode steps, String step) {
    for (JsonNode s : steps) {
      if (s.get("step").asText().equals(step)) {
        return s.get("detail").asText();
      }
    }
    throw new AssertionError("no step " + step + " in " + steps);
  }

  private static void assertLikeProduction(PgClient server, Production prod) throws SQLException {
    assertEquals(
        List.of(prod.owner() + " C"),
        rows(
            server,
            "postgres",
            "SELECT pg_get_userbyid(datdba) || ' ' || datcollate FROM pg_database WHERE datname = '"
                + prod.database()
                + "'"));
    assertEquals(
        List.of(prod.owner()),
        rows(
            server,
            prod.database(),
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"));
    assertEquals(
        List.of("{statement_timeout=31s}"),
        rows(
            server,
            "postgres",
            "SELECT s.setconfig::text FROM pg_db_role_setting s JOIN pg_database d ON d.oid ="
                + " s.setdatabase WHERE d.datname = '"
                + prod.database()
                + "' AND s.setrole = 0"));
  }

  private void assertApplicationWorks(PgClient server, String database, String password)
      throws SQLException {
    PgClient app = new PgClient(server.settings().withCredentials(incidents.appRole, password));
    try (Connection c = app.connect(database);
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT count(*), current_setting('statement_timeout') FROM lots")) {
        rs.next();
        assertEquals(40, rs.getInt(1), "the backup's rows");
        assertEquals("31s", rs.getString(2));
      }
      assertEquals(1, s.executeUpdate("INSERT INTO lots (lot_code) VALUES ('LOT-AFTER-RESTORE')"));
      assertEquals(
          1,
          s.executeUpdate("UPDATE qc_decisions SET decision = 'REJECTED' WHERE id = 1"),
          "granted by the default privileges");
    }
  }

  private static List<String> rows(PgClient server, String database, String sql)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = server.connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static WorkflowOptions options(String prefix) {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.DR)
        .setWorkflowId(prefix + "-" + UUID.randomUUID())
        .build();
  }
}
