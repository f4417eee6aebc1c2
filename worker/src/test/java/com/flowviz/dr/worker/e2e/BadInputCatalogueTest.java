package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TaskQueues;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every workflow input as the Temporal UI sends it (one JSON object, json/plain), with missing,
 * malformed and hostile values. Each ends within seconds in a non-retryable failure that says what
 * is wrong and what to do, before any activity touches anything: the live database and the list of
 * databases are as they were.
 *
 * <p>Issue 15's attacks are here too: a server field that names a foreign host or a secret (the
 * worker once sent the backup private key to a fake PostgreSQL server on loopback; that server
 * listens here and must never be reached), an instance the tool did not make given to teardown and
 * to a drill, and failover health URLs that point at the cloud metadata address or redirect.
 * Budget: about a minute for the whole class on 2 busy cores.
 */
class BadInputCatalogueTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PROMPTLY = Duration.ofSeconds(20);
  private static WorkerTestStack stack;
  private static String live;
  private static String bucket;
  private static FakePostgres fakePostgres;
  private static com.sun.net.httpserver.HttpServer redirecting;
  private static final java.util.concurrent.atomic.AtomicInteger redirectTargetHits =
      new java.util.concurrent.atomic.AtomicInteger();

  @BeforeAll
  static void liveDatabaseAndABackup() throws Exception {
    stack = WorkerTestStack.get();
    live = TestPostgres.newSampleDatabase("flowviz", 50);
    bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Restores.backup(live, bucket);
    fakePostgres = new FakePostgres();
    // A health URL on an allowed host that redirects elsewhere; the target counts who follows.
    redirecting =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    redirecting.createContext(
        "/health",
        exchange -> {
          exchange
              .getResponseHeaders()
              .add(
                  "Location",
                  "http://127.0.0.1:" + redirecting.getAddress().getPort() + "/elsewhere");
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    redirecting.createContext(
        "/elsewhere",
        exchange -> {
          redirectTargetHits.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    redirecting.start();
  }

  @org.junit.jupiter.api.AfterAll
  static void stopTheAttackersServers() throws Exception {
    assertEquals(0, fakePostgres.connections(), "the fake PostgreSQL server was never reached");
    assertEquals(0, redirectTargetHits.get(), "no redirect was followed");
    fakePostgres.close();
    redirecting.stop(0);
  }

  static Stream<Arguments> catalogue() {
    String db = "\"targetDatabase\": \"${live}\", \"bucket\": \"${bucket}\"";
    return Stream.of(
        // runbook 4.1
        restore(
            "target database: SQL injection",
            "{\"bucket\": \"${bucket}\", \"targetDatabase\": \"${live}\\\"; DROP DATABASE postgres;"
                + " --\"}",
            "is not a safe database name"),
        restore(
            "target database: a system database",
            "{\"bucket\": \"${bucket}\", \"targetDatabase\": \"postgres\"}",
            "PostgreSQL system database"),
        restore(
            "target database: upper case",
            "{\"bucket\": \"${bucket}\", \"targetDatabase\": \"FlowViz\"}",
            "is not a safe database name"),
        restore(
            "target database: 64 characters",
            "{\"bucket\": \"${bucket}\", \"targetDatabase\": \"" + "f".repeat(64) + "\"}",
            "is not a safe database name"),
        restore(
            "target database: a number",
            "{\"bucket\": \"${bucket}\", \"targetDatabase\": 42}",
            "is not a safe database name"),
        restore(
            "backup key: path traversal",
            "{" + db + ", \"backupKey\": \"daily/../../etc/passwd.gpg\"}",
            "is not a plain object key"),
        restore(
            "backup key: wildcard",
            "{" + db + ", \"backupKey\": \"daily/*.dump.gpg\"}",
            "is not a plain object key"),
        restore(
            "backup key: absolute",
            "{" + db + ", \"backupKey\": \"/daily/flowviz_daily_20250119_020000.dump.gpg\"}",
            "is not a plain object key"),
        restore(
            "backup key: control characters",
            "{" + db + ", \"backupKey\": \"daily/x\\u0000\\u001b[2J.dump.gpg\"}",
            "is not a plain object key"),
        restore(
            "backup key: not an encrypted backup",
            "{" + db + ", \"backupKey\": \"daily/flowviz.sql\"}",
            "does not name an encrypted backup"),
        restore(
            "backup prefix: traversal",
            "{" + db + ", \"backupPrefix\": \"../weekly/\"}",
            "is not a key prefix"),
        restore(
            "bucket: upper case and underscore",
            "{\"targetDatabase\": \"${live}\", \"bucket\": \"Flowviz_Backups\"}",
            "is not a valid S3 bucket name"),
        restore(
            "bucket: too short",
            "{\"targetDatabase\": \"${live}\", \"bucket\": \"a\"}",
            "is not a valid S3 bucket name"),
        restore(
            "bucket region: unknown",
            "{" + db + ", \"bucketRegion\": \"mars-north-1\"}",
            "mars-north-1"),
        restore(
            "restore point: not a time",
            "{" + db + ", \"restorePointBefore\": \"yesterday\"}",
            "yesterday"),
        restore(
            "incident time: impossible date",
            "{" + db + ", \"incidentAt\": \"2025-13-45T00:00:00Z\"}",
            "2025-13-45T00:00:00Z"),
        restore(
            "operator: shell metacharacters",
            "{" + db + ", \"operator\": \"alice; rm -rf /\"}",
            "is not a plain name"),
        restore(
            "reason: 20,000 characters",
            "{" + db + ", \"reason\": \"" + "x".repeat(20_000) + "\"}",
            "characters long"),
        restore(
            "work host pickup timeout: negative",
            "{" + db + ", \"workHostPickupTimeout\": \"-PT5M\"}",
            "is out of range"),
        restore(
            "work host pickup timeout: a year",
            "{" + db + ", \"workHostPickupTimeout\": \"P365D\"}",
            "is out of range"),
        restore(
            "work host pickup timeout: not a duration",
            "{" + db + ", \"workHostPickupTimeout\": \"5 minutes\"}",
            "5 minutes"),
        restore(
            "target server: port out of range",
            "{"
                + db
                + ", \"targetServer\": {\"host\": \"127.0.0.1\", \"port\": 70000, \"user\":"
                + " \"postgres\"}}",
            "70000"),
        restore(
            "target server: option injection in host",
            "{"
                + db
                + ", \"targetServer\": {\"host\": \"-oProxyCommand=sh\", \"port\": 5432, \"user\":"
                + " \"postgres\"}}",
            "-oProxyCommand=sh"),
        // issue 15: inputs name servers; a host or a secret name in a server field reaches nothing
        restore(
            "target server: a foreign host",
            "{"
                + db
                + ", \"targetServer\": {\"host\": \"127.0.0.1\", \"port\": ${fakePg}, \"user\":"
                + " \"postgres\"}}",
            "instead of a server name"),
        restore(
            "target server: the backup key's secret",
            "{"
                + db
                + ", \"targetServer\": {\"host\": \"127.0.0.1\", \"port\": ${fakePg}, \"user\":"
                + " \"admin\", \"passwordSecret\": \"flowviz/backup/gpg-private-key\"}}",
            "is not the secret of any server"),
        restore(
            "target server: a secret beside a name",
            "{"
                + db
                + ", \"targetServer\": {\"name\": \"production\", \"passwordSecret\":"
                + " \"flowviz/backup/gpg-passphrase\"}}",
            "the worker decides the secret"),
        restore(
            "target server: a host as its name",
            "{" + db + ", \"targetServer\": {\"name\": \"127.0.0.1:5432\"}}",
            "is not a server name"),
        restore(
            "keep staging: wrong JSON type",
            "{" + db + ", \"keepStagingOnFailure\": \"perhaps\"}",
            "field keepStagingOnFailure"),
        restore(
            "the whole input: an array", "[\"${live}\"]", "not a JSON object of RestoreRequest"),
        // runbook 4.2
        weekly(
            "retrieval tier: unknown", "{" + db + ", \"retrievalTier\": \"Instant\"}", "Instant"),
        weekly("retrieval days: negative", "{" + db + ", \"retrievalDays\": -1}", "-1"),
        weekly("retrieval days: huge", "{" + db + ", \"retrievalDays\": 100000}", "100000"),
        weekly(
            "retrieval days: wrong JSON type",
            "{" + db + ", \"retrievalDays\": \"seven\"}",
            "field retrievalDays"),
        weekly("poll interval: zero", "{" + db + ", \"pollInterval\": \"PT0S\"}", "PT0S"),
        weekly("max wait: not a duration", "{" + db + ", \"maxWait\": \"forever\"}", "forever"),
        weekly(
            "target server: the backup key's secret",
            "{"
                + db
                + ", \"targetServer\": {\"host\": \"127.0.0.1\", \"port\": ${fakePg}, \"user\":"
                + " \"admin\", \"passwordSecret\": \"flowviz/backup/gpg-private-key\"}}",
            "is not the secret of any server"),
        weekly(
            "production database: a template",
            "{" + db + ", \"replaceProduction\": true, \"productionDatabase\": \"template1\"}",
            "system database"),
        // runbook 4.3
        newInstance(
            "instance name: path traversal",
            "{\"bucket\": \"${bucket}\", \"instanceName\": \"../../etc\"}",
            "../../etc"),
        newInstance(
            "region: injection",
            "{\"bucket\": \"${bucket}\", \"region\": \"us-east-1; rm -rf /\"}",
            "us-east-1; rm -rf /"),
        newInstance(
            "database name: template0",
            "{\"bucket\": \"${bucket}\", \"databaseName\": \"template0\"}",
            "system database"),
        newInstance(
            "readiness timeout: negative",
            "{\"bucket\": \"${bucket}\", \"readinessTimeout\": \"PT-1S\"}",
            "PT-1S"),
        // runbook 4.4
        failover("direction: unknown", "{\"direction\": \"sideways\"}", "sideways"),
        failover(
            "target region: unknown",
            "{\"direction\": \"failover\", \"targetRegion\": \"moon-1\"}",
            "moon-1"),
        failover(
            "change batch: path traversal",
            "{\"direction\": \"failover\", \"dnsChangeBatch\": \"../../../etc/passwd\"}",
            "../../../etc/passwd"),
        failover(
            "health URL: not HTTP",
            "{\"direction\": \"failover\", \"healthUrl\": \"file:///etc/passwd\"}",
            "file:///etc/passwd"),
        failover(
            "health URL: the cloud metadata address",
            "{\"direction\": \"failover\", \"healthUrl\":"
                + " \"https://169.254.169.254/latest/meta-data/iam/security-credentials/\"}",
            "cloud metadata address"),
        failover(
            "health URL: the IPv6 metadata address",
            "{\"direction\": \"failover\", \"healthUrl\":"
                + " \"https://[fd00:ec2::254]/latest/meta-data/\"}",
            "cloud metadata address"),
        failover(
            "health URL: a host not allowed",
            "{\"direction\": \"failover\", \"healthUrl\": \"https://attacker.example/health\"}",
            "not in flowviz.failover.health-hosts"),
        failover(
            "health URL: a redirect",
            "{\"direction\": \"failover\", \"healthUrl\":"
                + " \"http://127.0.0.1:${redirecting}/health\"}",
            "redirects are not followed"),
        failover(
            "health deadline: a thousand days",
            "{\"direction\": \"failover\", \"healthDeadline\": \"P1000D\"}",
            "is out of range"),
        failover(
            "DNS approval: unknown mode",
            "{\"direction\": \"failover\", \"dnsApproval\": {\"mode\": \"yolo\"}}",
            "yolo"),
        failover(
            "approval timeout: not a duration",
            "{\"direction\": \"failover\", \"approvalTimeout\": \"abc\"}",
            "abc"),
        // incidents (runbook section 2)
        incident("scenario: unknown", "{\"scenario\": \"alien-invasion\"}", "alien-invasion"),
        incident(
            "detected at: not a time",
            "{\"scenario\": \"database-corruption\", \"detectedAt\": \"now-ish\"}",
            "now-ish"),
        incident(
            "decision timeout: negative",
            "{\"scenario\": \"database-corruption\", \"decisionTimeout\": \"-PT1H\"}",
            "is out of range"),
        incident(
            "failover: wrong JSON type",
            "{\"scenario\": \"regional-outage\", \"failover\": \"yes\"}",
            "field failover"),
        incident(
            "approvals: unknown mode",
            "{\"scenario\": \"2.1\", \"approvals\": {\"swap\": \"sometimes\"}}",
            "approvals.swap \"sometimes\""),
        // drills and the freshness monitor
        of(
            "RecoveryDrill",
            "scratch instance: path traversal",
            "{\"bucket\": \"${bucket}\", \"instanceName\": \"../../var/lib\"}",
            "../../var/lib"),
        of(
            "RecoveryDrill",
            "database: a system database",
            "{\"bucket\": \"${bucket}\", \"databaseName\": \"postgres\"}",
            "system database"),
        of(
            "RecoveryDrill",
            "keep scratch: wrong JSON type",
            "{\"bucket\": \"${bucket}\", \"keepScratch\": \"maybe\"}",
            "field keepScratch"),
        of("ListDrills", "limit: a million", "{\"limit\": 1000000}", "1000000"),
        of(
            "MonitorBackupFreshness",
            "location: no prefix",
            "{\"locations\": [\"${bucket}\"]}",
            "is not bucket/prefix"),
        of(
            "MonitorBackupFreshness",
            "check interval: a second",
            "{\"locations\": [\"${bucket}/daily/\"], \"checkInterval\": \"PT1S\"}",
            "is out of range"),
        // backups (runbook section 3)
        backup(
            "source database: injection",
            "{\"bucket\": \"${bucket}\", \"sourceDatabase\": \"flowviz'; DROP TABLE lots; --\"}",
            "is not a safe database name"),
        backup(
            "storage class: unknown",
            "{\"bucket\": \"${bucket}\", \"sourceDatabase\": \"${live}\", \"storageClass\":"
                + " \"PLATINUM\"}",
            "PLATINUM"),
        backup(
            "kind: unknown",
            "{\"bucket\": \"${bucket}\", \"sourceDatabase\": \"${live}\", \"kind\": \"hourly\"}",
            "hourly"),
        // the small ones
        of("ListBackups", "limit: negative", "{\"bucket\": \"${bucket}\", \"limit\": -5}", "-5"),
        of(
            "ListBackups",
            "prefix: wildcard",
            "{\"bucket\": \"${bucket}\", \"prefix\": \"*\"}",
            "is not a key prefix"),
        of("TeardownInstance", "instance name: missing", "{}", "instanceName"),
        of(
            "TeardownInstance",
            "instance name: traversal",
            "{\"instanceName\": \"../prod\"}",
            "not an instance name"),
        of(
            "FetchIncidentReport",
            "incident id: traversal",
            "\"../../etc/passwd\"",
            "../../etc/passwd"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("catalogue")
  void badInputFailsAtOnceWithAMessageAndChangesNothing(
      String workflowType, String field, String json, String messagePart) throws Exception {
    Map<String, String> before = TestPostgres.fingerprint(live);
    List<String> databases = TestPostgres.databasesLike("%");
    JsonNode input =
        JSON.readTree(
            json.replace("${live}", live)
                .replace("${bucket}", bucket)
                .replace("${fakePg}", Integer.toString(fakePostgres.port()))
                .replace("${redirecting}", Integer.toString(redirecting.getAddress().getPort())));
    WorkflowStub stub =
        stack.client.newUntypedWorkflowStub(
            workflowType,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("bad-input-" + System.nanoTime())
                .setWorkflowRunTimeout(Duration.ofMinutes(2))
                .build());

    stub.start(input);
    try {
      stub.getResult(PROMPTLY.toSeconds(), TimeUnit.SECONDS, JsonNode.class);
      fail(field + ": accepted");
    } catch (TimeoutException e) {
      stub.terminate("bad-input test: no answer within " + PROMPTLY);
      fail(field + ": no failure within " + PROMPTLY);
    } catch (WorkflowFailedException e) {
      ApplicationFailure failure =
          assertInstanceOf(
              ApplicationFailure.class, e.getCause(), () -> field + ": " + e.getCause());
      assertTrue(failure.isNonRetryable(), field);
      assertEquals(
          FailureTypes.INVALID_INPUT,
          failure.getType(),
          field + ": " + failure.getOriginalMessage());
      assertTrue(
          failure.getOriginalMessage().contains(messagePart),
          field + ": " + failure.getOriginalMessage());
    }
    assertEquals(before, TestPostgres.fingerprint(live), "the live database is unchanged");
    assertEquals(
        databases, TestPostgres.databasesLike("%"), "no database was created, renamed or dropped");
  }

  /**
   * A payload shaped as running workflows sent them before names (host, port and an instance's
   * secret): it passes the input check, and the worker's registry refuses it before the secret is
   * read or the host reached.
   */
  @org.junit.jupiter.api.Test
  void anOldShapedServerOnAForeignHostIsRefusedByTheRegistryAndSentNothing() throws Exception {
    stack.putSecret("flowviz/dr/instances/victim-db/admin-password", "the victim's password");
    Map<String, String> before = TestPostgres.fingerprint(live);
    String json =
        "{\"targetDatabase\": \""
            + live
            + "\", \"bucket\": \""
            + bucket
            + "\", \"targetServer\": {\"host\": \"127.0.0.1\", \"port\": "
            + fakePostgres.port()
            + ", \"user\": \"admin\", \"passwordSecret\":"
            + " \"flowviz/dr/instances/victim-db/admin-password\"}}";
    String message = failureOf("RestoreFromBackup", json);
    assertTrue(message.contains("no instance \"victim-db\" made by flowviz-dr"), message);
    assertEquals(0, fakePostgres.connections(), "the foreign host was never reached");
    assertEquals(List.of(), fakePostgres.passwordsReceived());
    assertEquals(before, TestPostgres.fingerprint(live), "the live database is unchanged");
  }

  /** An instance of that name exists, made by someone else: teardown leaves it as it was. */
  @org.junit.jupiter.api.Test
  void teardownRefusesAnInstanceTheToolDidNotMake() throws Exception {
    java.nio.file.Path foreign = someoneElsesInstance("someone-elses-db");
    List<String> before = listing(foreign);
    String message =
        failureOf(
            "TeardownInstance",
            "{\"instanceName\": \"someone-elses-db\", \"operator\": \"mallory\"}");
    assertTrue(message.contains("was not made by flowviz-dr"), message);
    assertEquals(before, listing(foreign), "the foreign instance is untouched");
  }

  /** A drill told to use someone else's instance as its scratch neither reuses nor removes it. */
  @org.junit.jupiter.api.Test
  void aDrillRefusesAScratchInstanceTheToolDidNotMake() throws Exception {
    java.nio.file.Path foreign = someoneElsesInstance("foreign-scratch");
    List<String> before = listing(foreign);
    List<String> databases = TestPostgres.databasesLike("%");
    String message =
        failureOf(
            "RecoveryDrill",
            "{\"bucket\": \""
                + bucket
                + "\", \"sourceDatabase\": \""
                + live
                + "\", \"instanceName\": \"foreign-scratch\"}");
    assertTrue(message.contains("was not made by flowviz-dr"), message);
    assertEquals(before, listing(foreign), "the foreign instance is untouched");
    assertEquals(
        databases, TestPostgres.databasesLike("%"), "no database was created, renamed or dropped");
  }

  /**
   * A cluster directory where the worker's local provisioner keeps instances, but not made by it
   * (no mark).
   */
  private static java.nio.file.Path someoneElsesInstance(String name) throws Exception {
    java.nio.file.Path home = stack.instances.resolve(name);
    java.nio.file.Files.createDirectories(home.resolve("data"));
    java.nio.file.Files.writeString(home.resolve("data/PG_VERSION"), "17\n");
    java.nio.file.Files.writeString(home.resolve("data/their-data"), "rows someone else keeps\n");
    return home;
  }

  private static List<String> listing(java.nio.file.Path dir) throws Exception {
    try (var files = java.nio.file.Files.walk(dir)) {
      return files
          .map(
              f ->
                  dir.relativize(f) + (java.nio.file.Files.isRegularFile(f) ? " " + sizeOf(f) : ""))
          .sorted()
          .toList();
    }
  }

  private static long sizeOf(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.size(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Starts the workflow and returns the message of the non-retryable failure it ends in, within
   * {@link #PROMPTLY}.
   */
  private static String failureOf(String workflowType, String json) throws Exception {
    WorkflowStub stub =
        stack.client.newUntypedWorkflowStub(
            workflowType,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("bad-input-" + System.nanoTime())
                .setWorkflowRunTimeout(Duration.ofMinutes(2))
                .build());
    stub.start(JSON.readTree(json));
    try {
      stub.getResult(PROMPTLY.toSeconds(), TimeUnit.SECONDS, JsonNode.class);
      return fail(workflowType + ": accepted");
    } catch (TimeoutException e) {
      stub.terminate("bad-input test: no answer within " + PROMPTLY);
      return fail(workflowType + ": no failure within " + PROMPTLY);
    } catch (WorkflowFailedException e) {
      StringBuilder messages = new StringBuilder();
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof ApplicationFailure a) {
          assertTrue(a.isNonRetryable(), a.getOriginalMessage());
          messages.append(a.getOriginalMessage()).append(" | ");
        } else {
          messages.append(t.getMessage()).append(" | ");
        }
      }
      return messages.toString();
    }
  }

  private static Arguments restore(String field, String json, String message) {
    return of("RestoreFromBackup", field, json, message);
  }

  private static Arguments weekly(String field, String json, String message) {
    return of("RestoreFromWeeklyBackup", field, json, message);
  }

  private static Arguments newInstance(String field, String json, String message) {
    return of("RestoreToNewInstance", field, json, message);
  }

  private static Arguments failover(String field, String json, String message) {
    return of("CrossRegionFailover", field, json, message);
  }

  private static Arguments incident(String field, String json, String message) {
    return of("HandleIncident", field, json, message);
  }

  private static Arguments backup(String field, String json, String message) {
    return of("TakeBackup", field, json, message);
  }

  private static Arguments of(String workflowType, String field, String json, String message) {
    return Arguments.of(workflowType, field, json, message);
  }
}
