package com.flowviz.dr.activities.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.app.ApplicationActivitiesImpl;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child processes get an allow-listed environment (issue 15, item 6). The real check runs in a JVM
 * of its own whose environment holds what a worker's would (AWS keys, a Temporal API key, a FlowViz
 * token, a PGPASSWORD for some other server): through the worker's own code paths it runs the
 * application's restart command and pg_dump (behind a wrapper that writes down its environment and
 * then runs the real pg_dump against the test cluster), and the test reads what each child saw.
 * Time budget: about 5 s (one JVM start, one pg_dump of an empty database).
 */
class ChildEnvironmentTest {

  private static final Map<String, String> WORKER_SECRETS =
      Map.of(
          "AWS_SECRET_ACCESS_KEY", "canary-aws-secret",
          "AWS_ACCESS_KEY_ID", "canary-aws-key-id",
          "TEMPORAL_API_KEY", "canary-temporal-key",
          "FLOWVIZ_NOTIFY_SLACK_TOKEN", "canary-slack-token",
          "PGPASSWORD", "canary-password-of-another-server",
          "DB_PASSWORD", "canary-app-password");

  @TempDir Path dir;

  @Test
  void theRestartCommandAndPgDumpSeeNoneOfTheWorkersSecretsAndPgDumpStillWorks() throws Exception {
    String database = TestPostgres.newDatabaseName("childenv");
    TestPostgres.execute("postgres", "CREATE DATABASE " + database);
    Path pgpass =
        Files.createFile(
            dir.resolve("pgpass"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        pgpass,
        "127.0.0.1:"
            + TestPostgres.settings().port()
            + ":*:"
            + TestPostgres.SUPERUSER
            + ":"
            + TestPostgres.password()
            + "\n");
    Path realPgDump = Path.of(PgBinaries.locate(null).program("pg_dump"));
    Path wrapper = Files.createDirectories(dir.resolve("bin")).resolve("pg_dump");
    Files.writeString(
        wrapper,
        "#!/bin/sh\nenv > \""
            + dir.resolve("pg_dump.env")
            + "\"\nexec \""
            + realPgDump
            + "\" \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));

    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Probe.class.getName(),
                dir.toString(),
                wrapper.toString(),
                Integer.toString(TestPostgres.settings().port()),
                TestPostgres.SUPERUSER,
                pgpass.toString(),
                database));
    ProcessBuilder worker =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("probe.log").toFile());
    worker.environment().putAll(WORKER_SECRETS);
    worker.environment().put("LANG", "C.UTF-8");
    worker.environment().put("TZ", "UTC");
    Process probe = worker.start();
    assertTrue(probe.waitFor(2, TimeUnit.MINUTES), "the probe JVM did not finish");
    assertEquals(0, probe.exitValue(), Files.readString(dir.resolve("probe.log")));

    Map<String, String> restart = parse(Files.readString(dir.resolve("restart.env")));
    Map<String, String> pgDump = parse(Files.readString(dir.resolve("pg_dump.env")));
    for (Map<String, String> seen : List.of(restart, pgDump)) {
      for (String secret : WORKER_SECRETS.values()) {
        assertFalse(seen.containsValue(secret), secret + " reached a child: " + seen.keySet());
      }
      assertEquals("C.UTF-8", seen.get("LANG"));
      assertEquals("UTC", seen.get("TZ"));
      assertTrue(seen.containsKey("PATH"));
    }
    assertFalse(
        restart.keySet().stream().anyMatch(name -> name.startsWith("PG")),
        restart.keySet().toString());
    // pg_dump gets its server and its own password file from the worker's settings for that server.
    assertEquals("127.0.0.1", pgDump.get("PGHOST"));
    assertEquals(TestPostgres.SUPERUSER, pgDump.get("PGUSER"));
    assertEquals(pgpass.toString(), pgDump.get("PGPASSFILE"));
    assertFalse(pgDump.containsKey("PGPASSWORD"));
    assertTrue(Files.size(dir.resolve("flowviz.dump")) > 0, "pg_dump wrote no archive");
  }

  @Test
  void eachToolInheritsOnlyItsOwnVariables() {
    assertEquals(
        ChildEnvironment.POSTGRES_TOOL,
        ChildEnvironment.of(List.of("/usr/lib/postgresql/16/bin/pg_restore", "--list")));
    assertEquals(
        ChildEnvironment.POSTGRES_TOOL,
        ChildEnvironment.of(
            List.of(
                "setpriv",
                "--reuid=postgres",
                "--regid=postgres",
                "--clear-groups",
                "/usr/local/bin/pg_ctl",
                "stop")));
    assertEquals(ChildEnvironment.TERRAFORM, ChildEnvironment.of(List.of("terraform", "apply")));
    assertEquals(
        ChildEnvironment.DOCKER,
        ChildEnvironment.of(List.of("/usr/bin/docker", "compose", "restart", "api")));
    assertEquals(ChildEnvironment.GPG, ChildEnvironment.of(List.of("gpg", "--verify")));
    assertEquals(
        ChildEnvironment.GENERIC, ChildEnvironment.of(List.of("/opt/flowviz/restart-app.sh")));

    Map<String, String> worker = new HashMap<>(WORKER_SECRETS);
    worker.putAll(
        Map.of(
            "PATH",
            "/usr/bin",
            "LC_ALL",
            "C",
            "PGSSLMODE",
            "verify-full",
            "TF_LOG",
            "WARN",
            "AWS_REGION",
            "eu-west-1",
            "DOCKER_HOST",
            "unix:///run/docker.sock",
            "GNUPGHOME",
            "/var/lib/flowviz/gnupg",
            "PGHOST",
            "prod-db"));
    assertEquals(
        Map.of("PATH", "/usr/bin", "LC_ALL", "C", "PGSSLMODE", "verify-full"),
        ChildEnvironment.POSTGRES_TOOL.inherited(worker));
    assertEquals(
        Map.of(
            "PATH",
            "/usr/bin",
            "LC_ALL",
            "C",
            "TF_LOG",
            "WARN",
            "AWS_REGION",
            "eu-west-1",
            "AWS_SECRET_ACCESS_KEY",
            "canary-aws-secret",
            "AWS_ACCESS_KEY_ID",
            "canary-aws-key-id"),
        ChildEnvironment.TERRAFORM.inherited(worker));
    assertEquals(
        Map.of("PATH", "/usr/bin", "LC_ALL", "C", "DOCKER_HOST", "unix:///run/docker.sock"),
        ChildEnvironment.DOCKER.inherited(worker));
    assertEquals(
        Map.of("PATH", "/usr/bin", "LC_ALL", "C", "GNUPGHOME", "/var/lib/flowviz/gnupg"),
        ChildEnvironment.GPG.inherited(worker));
    assertEquals(
        Map.of("PATH", "/usr/bin", "LC_ALL", "C"), ChildEnvironment.GENERIC.inherited(worker));
  }

  private static Map<String, String> parse(String env) {
    Map<String, String> variables = new HashMap<>();
    for (String line : env.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        variables.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return variables;
  }

  /** The worker's side: its restart command and a pg_dump, run the way the activities run them. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      RestartOutcome restart =
          new ApplicationActivitiesImpl(
                  List.of("sh", "-c", "env > \"$0\"", dir.resolve("restart.env").toString()),
                  Duration.ofMinutes(1),
                  List.of(),
                  null)
              .restartApplication();
      if (restart.exitCode() != 0) {
        throw new IllegalStateException("restart command failed: " + restart.outputTail());
      }
      PgConnectionSettings server =
          new PgConnectionSettings(
              "127.0.0.1", Integer.parseInt(args[2]), args[3], null, Path.of(args[4]));
      // As BackupActivitiesImpl runs pg_dump: the server's settings as the explicit environment.
      try (ChildProcess dump =
          ChildProcess.start(
              List.of(args[1], "--format=custom", "--file=" + dir.resolve("flowviz.dump"), args[5]),
              server.toolEnvironment(),
              null,
              null,
              true)) {
        dump.awaitSuccess(Duration.ofMinutes(1), null);
      }
    }
  }
}
