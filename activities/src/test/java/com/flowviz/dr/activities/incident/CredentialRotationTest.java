package com.flowviz.dr.activities.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.crypto.FilePrivateKeySource;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.activities.secrets.SecretsManagerSecretStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Runbook 2.4's rotation on real PostgreSQL and moto's Secrets Manager, following Secrets Manager's
 * AWSPENDING/AWSCURRENT protocol: readers of AWSCURRENT keep logging in while it runs, sessions
 * opened with the old password are ended, and a rotation stopped between its steps is finished by
 * the next attempt with the same password. About 10 seconds.
 */
class CredentialRotationTest {

  private static final String OLD_PASSWORD = "old-app-password";

  @TempDir Path dir;
  private SecretsManagerClient secretsManager;
  private S3Client s3;
  private String appRole;
  private String appSecret;
  private String sessionSecret;
  private String database;

  @BeforeEach
  void setUp() {
    secretsManager = TestMoto.secretsManager();
    s3 = TestMoto.s3();
    appRole = TestPostgres.newDatabaseName("app");
    appSecret = "flowviz/app/database-" + UUID.randomUUID();
    sessionSecret = "flowviz/app/session-key-" + UUID.randomUUID();
    database = TestPostgres.newSampleDatabase("rotated", 5);
    TestPostgres.execute(
        "postgres", "CREATE ROLE " + appRole + " LOGIN PASSWORD '" + OLD_PASSWORD + "'");
    TestPostgres.execute(database, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + appRole);
    // What the application reads today: the RDS shape, with the password the database accepts.
    secretsManager.createSecret(
        b ->
            b.name(appSecret)
                .secretString(
                    "{\"username\":\""
                        + appRole
                        + "\",\"password\":\""
                        + OLD_PASSWORD
                        + "\",\"dbname\":\""
                        + database
                        + "\"}"));
  }

  @AfterEach
  void tearDown() {
    s3.close();
    secretsManager.close();
  }

  private IncidentActivitiesImpl activities(SecretStore secrets) throws Exception {
    Path key = Files.writeString(dir.resolve("unused-key.asc"), "");
    return new IncidentActivitiesImpl(
        new FilePrivateKeySource(key, null),
        TestPostgres.servers(),
        secrets,
        new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE),
        new AuditStore(TestPostgres.client(), TestPostgres.newDatabaseName("audit")),
        new IncidentActivitiesImpl.Settings(
            null,
            null,
            null,
            List.of(appRole),
            appRole,
            appSecret,
            database,
            List.of(sessionSecret),
            "unused",
            "incidents/"));
  }

  /**
   * PostgreSQL keeps one password per role, so between ALTER ROLE's commit and the move of
   * AWSCURRENT (one test login and one Secrets Manager call) a password read just before is
   * refused: the single-user rotation's window, which Secrets Manager's clients bridge by reading
   * AWSCURRENT again. This reader does that, and the test holds the rotation to it: every login
   * succeeds on the password AWSCURRENT named at the time or on the one it names moments later,
   * never on nothing, and the window is measured.
   */
  @Test
  void aReaderOfAwsCurrentKeepsLoggingInWhileTheRotationRuns() throws Exception {
    AtomicBoolean rotating = new AtomicBoolean(true);
    AtomicInteger logins = new AtomicInteger();
    AtomicInteger refusedFirstTry = new AtomicInteger();
    AtomicInteger endedByRotation = new AtomicInteger();
    AtomicLong longestWaitMillis = new AtomicLong();
    AtomicReference<String> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              while (rotating.get() || logins.get() < 3) {
                try {
                  String password = currentPassword();
                  try {
                    connectAs(appRole, password).close();
                  } catch (SQLException refused) {
                    if (!"28P01".equals(refused.getSQLState())) {
                      throw refused;
                    }
                    refusedFirstTry.incrementAndGet();
                    long since = System.nanoTime();
                    while (true) {
                      Thread.sleep(25);
                      String again = currentPassword();
                      if (!again.equals(password)) {
                        connectAs(appRole, again).close();
                        break;
                      }
                      if (System.nanoTime() - since > Duration.ofSeconds(10).toNanos()) {
                        throw new IllegalStateException(
                            "AWSCURRENT named a refused password for 10 s", refused);
                      }
                    }
                    longestWaitMillis.accumulateAndGet(
                        Duration.ofNanos(System.nanoTime() - since).toMillis(), Math::max);
                  }
                  logins.incrementAndGet();
                } catch (SQLException e) {
                  if ("57P01".equals(e.getSQLState())) {
                    // Logged in a moment before the rotation ended its role's sessions (one
                    // pass, after ALTER ROLE): what a client of the rotation sees, and answers
                    // by connecting again.
                    endedByRotation.incrementAndGet();
                    continue;
                  }
                  failure.compareAndSet(
                      null, "login " + (logins.get() + 1) + " with AWSCURRENT failed: " + e);
                  return;
                } catch (Exception e) {
                  failure.compareAndSet(
                      null, "login " + (logins.get() + 1) + " with AWSCURRENT failed: " + e);
                  return;
                }
              }
            });
    reader.start();
    while (logins.get() < 3 && failure.get() == null) {
      Thread.sleep(20);
    }

    RotationOutcome outcome;
    try {
      outcome = activities(new SecretsManagerSecretStore(secretsManager)).rotateCredentials(null);
    } finally {
      rotating.set(false);
      reader.join(30_000);
    }

    assertEquals(
        null, failure.get(), "every reader of AWSCURRENT logged in; " + logins.get() + " logins");
    System.out.printf(
        "rotation under a reader: %d logins, %d refused on the first try, %d ended by the"
            + " rotation right after login, AWSCURRENT moved %d ms later at most%n",
        logins.get(), refusedFirstTry.get(), endedByRotation.get(), longestWaitMillis.get());
    assertTrue(
        endedByRotation.get() <= 1,
        "the rotation ends its role's sessions in one pass: one login in flight at most");
    assertEquals(List.of(appRole), outcome.roles());
    assertTrue(
        outcome
            .secrets()
            .containsAll(
                List.of(IncidentActivitiesImpl.roleSecret(appRole), appSecret, sessionSecret)),
        outcome.toString());
    String rotated = currentPassword();
    assertNotEquals(OLD_PASSWORD, rotated);
    connectAs(appRole, rotated).close();
    assertEquals(
        "28P01",
        assertThrows(SQLException.class, () -> connectAs(appRole, OLD_PASSWORD).close())
            .getSQLState());
    assertFalse(
        Json.MAPPER.writeValueAsString(outcome).contains(rotated),
        "the outcome names credentials, never values");
    Map<String, List<String>> stages =
        secretsManager.describeSecret(b -> b.secretId(appSecret)).versionIdsToStages();
    assertTrue(
        stages.values().stream().noneMatch(s -> s.contains("AWSPENDING")),
        "nothing left pending: " + stages);
    assertTrue(
        stages.values().stream().anyMatch(s -> s.contains("AWSPREVIOUS")),
        "the old version is kept as AWSPREVIOUS: " + stages);
  }

  @Test
  void theRotatedRolesSessionsAreEndedButNotTheWorkersAndTheStatementIsNotLogged()
      throws Exception {
    Path serverLog = TestPostgres.cluster().home().resolve("server.log");
    TestPostgres.execute("postgres", "ALTER DATABASE postgres SET log_statement = 'all'");
    try (Connection attacker = connectAs(appRole, OLD_PASSWORD);
        Connection worker = TestPostgres.client().connect(database)) {
      assertTrue(attacker.isValid(2));

      RotationOutcome outcome =
          activities(new SecretsManagerSecretStore(secretsManager)).rotateCredentials(null);

      assertEquals(1, outcome.sessionsEnded(), outcome.toString());
      assertEquals(List.of(), outcome.findings());
      SQLException ended = assertThrows(SQLException.class, () -> query(attacker));
      assertTrue(
          ended.getSQLState().startsWith("57P01") || ended.getSQLState().startsWith("08"),
          ended.getSQLState() + " " + ended.getMessage());
      assertEquals("1", query(worker), "the worker's own session goes on");
      String log = Files.readString(serverLog);
      String verifier =
          TestPostgres.query(
                  "postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = '" + appRole + "'")
              .get(0);
      assertTrue(
          log.contains("SELECT rolcanlogin FROM pg_roles"),
          "the worker's statements are logged at all");
      assertFalse(log.contains(currentPassword()), "the new password is not in the server log");
      assertFalse(
          log.contains(verifier.substring("SCRAM-SHA-256$".length())),
          "nor its SCRAM verifier: ALTER ROLE ran with statement logging off");
    } finally {
      TestPostgres.execute("postgres", "ALTER DATABASE postgres RESET log_statement");
    }
  }

  @Test
  void aRotationStoppedAfterTheDatabaseChangedIsFinishedWithTheSamePassword() throws Exception {
    // The crash that matters: ALTER ROLE done, AWSCURRENT not yet moved.
    FaultySecrets stopsBeforeFinishing =
        new FaultySecrets(
            new SecretsManagerSecretStore(secretsManager), "promote", appSecret::equals);

    assertThrows(
        IllegalStateException.class,
        () -> activities(stopsBeforeFinishing).rotateCredentials(null));

    String pending =
        Json.MAPPER
            .readTree(
                secretsManager
                    .getSecretValue(b -> b.secretId(appSecret).versionStage("AWSPENDING"))
                    .secretString())
            .get("password")
            .asText();
    connectAs(appRole, pending).close();
    assertEquals(OLD_PASSWORD, currentPassword(), "AWSCURRENT did not move");

    RotationOutcome outcome =
        activities(new SecretsManagerSecretStore(secretsManager)).rotateCredentials(null);

    assertEquals(
        pending,
        currentPassword(),
        "the second run finished the pending version instead of making another");
    assertEquals(
        pending,
        secretsManager
            .getSecretValue(
                b ->
                    b.secretId(IncidentActivitiesImpl.roleSecret(appRole))
                        .versionStage("AWSCURRENT"))
            .secretString());
    connectAs(appRole, currentPassword()).close();
    assertTrue(outcome.secrets().contains(appSecret));
  }

  @Test
  void aRotationStoppedBeforeTheDatabaseChangedLeavesAwsCurrentWorkingAndIsFinishedLater()
      throws Exception {
    // Stopped after the role's pending password was staged, before the application's was.
    FaultySecrets stopsEarly =
        new FaultySecrets(
            new SecretsManagerSecretStore(secretsManager), "writePending", appSecret::equals);

    assertThrows(IllegalStateException.class, () -> activities(stopsEarly).rotateCredentials(null));

    assertEquals(OLD_PASSWORD, currentPassword());
    connectAs(appRole, currentPassword()).close();
    String staged =
        secretsManager
            .getSecretValue(
                b ->
                    b.secretId(IncidentActivitiesImpl.roleSecret(appRole))
                        .versionStage("AWSPENDING"))
            .secretString();

    activities(new SecretsManagerSecretStore(secretsManager)).rotateCredentials(null);

    assertEquals(staged, currentPassword(), "the staged password was the one set and made current");
    connectAs(appRole, currentPassword()).close();
  }

  @Test
  void aRoleThatDoesNotExistFailsAtOnceAndNothingIsStaged() throws Exception {
    String missing = TestPostgres.newDatabaseName("nosuchrole");
    IncidentActivitiesImpl incident =
        new IncidentActivitiesImpl(
            new FilePrivateKeySource(Files.writeString(dir.resolve("k.asc"), ""), null),
            TestPostgres.servers(),
            new SecretsManagerSecretStore(secretsManager),
            new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE),
            new AuditStore(TestPostgres.client(), TestPostgres.newDatabaseName("audit")),
            new IncidentActivitiesImpl.Settings(
                null,
                null,
                null,
                List.of(appRole, missing),
                appRole,
                appSecret,
                database,
                List.of(),
                "unused",
                "x/"));

    ApplicationFailure refused =
        assertThrows(ApplicationFailure.class, () -> incident.rotateCredentials(null));

    assertTrue(refused.isNonRetryable());
    assertTrue(
        refused
            .getOriginalMessage()
            .contains(missing + " (flowviz.incident.rotate-roles) does not exist"),
        refused.getOriginalMessage());
    assertEquals(OLD_PASSWORD, currentPassword());
    connectAs(appRole, OLD_PASSWORD).close();
    assertTrue(
        new SecretsManagerSecretStore(secretsManager)
            .read(IncidentActivitiesImpl.roleSecret(appRole))
            .isEmpty());
  }

  private String currentPassword() throws Exception {
    return Json.MAPPER
        .readTree(
            secretsManager
                .getSecretValue(b -> b.secretId(appSecret).versionStage("AWSCURRENT"))
                .secretString())
        .get("password")
        .asText();
  }

  private Connection connectAs(String role, String password) throws SQLException {
    return new PgClient(
            new PgConnectionSettings(
                TestPostgres.settings().host(),
                TestPostgres.settings().port(),
                role,
                password,
                null))
        .connect(database);
  }

  private static String query(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT 1")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * The real store, failing the first call of one kind for the matching secrets: a worker that died
   * there.
   */
  private static final class FaultySecrets implements SecretStore {
    private final SecretStore store;
    private final String failing;
    private final Predicate<String> names;

    FaultySecrets(SecretStore store, String failing, Predicate<String> names) {
      this.store = store;
      this.failing = failing;
      this.names = names;
    }

    private void maybeFail(String call, String name) {
      if (call.equals(failing) && names.test(name)) {
        throw new IllegalStateException("the worker stopped before " + call + " " + name);
      }
    }

    @Override
    public Optional<String> read(String name) {
      return store.read(name);
    }

    @Override
    public void write(String name, String value) {
      store.write(name, value);
    }

    @Override
    public void delete(String name) {
      store.delete(name);
    }

    @Override
    public Optional<String> readPending(String name) {
      return store.readPending(name);
    }

    @Override
    public void writePending(String name, String value) {
      maybeFail("writePending", name);
      store.writePending(name, value);
    }

    @Override
    public void promotePending(String name) {
      maybeFail("promote", name);
      store.promotePending(name);
    }
  }
}
