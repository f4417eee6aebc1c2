package com.flowviz.dr.activities.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.crypto.FilePrivateKeySource;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.secrets.SecretsManagerSecretStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Credentials, rotation and reports on real PostgreSQL, moto's Secrets Manager and S3, and a gpg
 * key.
 */
class IncidentActivitiesTest {

  private static GpgHome gpg;
  private static final String PASSPHRASE = "incident test passphrase";

  @TempDir Path dir;
  private TestActivityEnvironment env;
  private SecretsManagerClient secretsManager;
  private S3Client s3;
  private String reportBucket;
  private String auditDatabase;
  private String appRole;
  private String appSecret;
  private String sessionSecret;
  private String database;

  @BeforeAll
  static void key() {
    gpg = GpgHome.create();
    gpg.generateKey("backup@flowviz.com", GpgHome.KeyType.RSA, PASSPHRASE);
  }

  @AfterAll
  static void closeKey() {
    gpg.close();
  }

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    secretsManager = TestMoto.secretsManager();
    s3 = TestMoto.s3();
    reportBucket = TestMoto.newBucket(s3, "compliance");
    auditDatabase = TestPostgres.newDatabaseName("audit");
    appRole = TestPostgres.newDatabaseName("app");
    appSecret = "flowviz/app/database-" + UUID.randomUUID();
    sessionSecret = "flowviz/app/session-key-" + UUID.randomUUID();
    database = TestPostgres.newSampleDatabase("breached", 50);
    TestPostgres.execute(
        "postgres", "CREATE ROLE " + appRole + " LOGIN PASSWORD 'old-app-password'");
  }

  @AfterEach
  void tearDown() {
    env.close();
    s3.close();
    secretsManager.close();
  }

  private IncidentActivities activities(String passphrase) throws Exception {
    Path key =
        Files.write(
            dir.resolve("key.asc"), gpg.exportSecretKey("backup@flowviz.com", PASSPHRASE, true));
    Path pass = Files.writeString(dir.resolve("passphrase"), passphrase);
    env.registerActivitiesImplementations(
        new IncidentActivitiesImpl(
            new FilePrivateKeySource(key, pass),
            TestPostgres.servers(),
            new SecretsManagerSecretStore(secretsManager),
            new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE),
            new AuditStore(TestPostgres.client(), auditDatabase),
            new IncidentActivitiesImpl.Settings(
                null,
                null,
                null,
                List.of(appRole),
                appRole,
                appSecret,
                database,
                List.of(sessionSecret),
                reportBucket,
                "incidents/")));
    return TestActivities.stub(env, IncidentActivities.class);
  }

  private static Connection connectAs(String role, String password, String database)
      throws SQLException {
    return new PgClient(
            new PgConnectionSettings(
                TestPostgres.settings().host(),
                TestPostgres.settings().port(),
                role,
                password,
                null))
        .connect(database);
  }

  @Test
  void credentialsAreCheckedWithoutBeingReturned() throws Exception {
    CredentialCheck check = activities(PASSPHRASE).checkCredentials();
    assertTrue(check.backupKeyReady(), check.problems().toString());
    assertTrue(check.databaseReachable());
    assertFalse(check.keyIds().isEmpty());
    assertFalse(Json.MAPPER.writeValueAsString(check).contains(PASSPHRASE));
  }

  @Test
  void aWrongPassphraseIsReportedAsAProblemNotAsTheSecret() throws Exception {
    CredentialCheck check = activities("not the passphrase").checkCredentials();
    assertFalse(check.backupKeyReady());
    assertEquals(1, check.problems().size());
    assertTrue(check.problems().get(0).startsWith("backup key:"), check.problems().toString());
    assertFalse(check.problems().get(0).contains("not the passphrase"));
  }

  @Test
  void rotationRejectsTheOldPasswordAndTheApplicationSecretCarriesTheNewOne() throws Exception {
    try (Connection before = connectAs(appRole, "old-app-password", database)) {
      assertTrue(before.isValid(2));
    }

    RotationOutcome outcome = activities(PASSPHRASE).rotateCredentials(null);

    assertEquals(List.of(appRole), outcome.roles());
    assertTrue(
        outcome
            .secrets()
            .containsAll(
                List.of(IncidentActivitiesImpl.roleSecret(appRole), appSecret, sessionSecret)),
        outcome.toString());
    SQLException rejected =
        assertThrows(
            SQLException.class, () -> connectAs(appRole, "old-app-password", database).close());
    assertEquals("28P01", rejected.getSQLState(), "invalid password");
    JsonNode secret =
        Json.MAPPER.readTree(
            secretsManager
                .getSecretValue(b -> b.secretId(appSecret).versionStage("AWSCURRENT"))
                .secretString());
    assertEquals(appRole, secret.get("username").asText());
    assertEquals(database, secret.get("dbname").asText());
    String newPassword = secret.get("password").asText();
    assertTrue(newPassword.length() >= 32);
    try (Connection after =
        connectAs(secret.get("username").asText(), newPassword, secret.get("dbname").asText())) {
      assertTrue(after.isValid(2));
    }
    assertFalse(Json.MAPPER.writeValueAsString(outcome).contains(newPassword));
    String session =
        secretsManager
            .getSecretValue(b -> b.secretId(sessionSecret).versionStage("AWSCURRENT"))
            .secretString();
    assertNotEquals(newPassword, session);
    // The server keeps a SCRAM verifier, never the password.
    assertTrue(
        TestPostgres.query(
                "postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = '" + appRole + "'")
            .get(0)
            .startsWith("SCRAM-SHA-256$"));
  }

  @Test
  void rotatingTwiceLeavesTheSecretsAndTheRoleInAgreement() throws Exception {
    IncidentActivities incident = activities(PASSPHRASE);
    incident.rotateCredentials(null);
    incident.rotateCredentials(null);
    String password =
        Json.MAPPER
            .readTree(
                secretsManager
                    .getSecretValue(b -> b.secretId(appSecret).versionStage("AWSCURRENT"))
                    .secretString())
            .get("password")
            .asText();
    try (Connection c = connectAs(appRole, password, database)) {
      assertTrue(c.isValid(2));
    }
  }

  @Test
  void theReportIsStoredAsMarkdownAndJsonWithItsTimelineFromTheAuditTrail() throws Exception {
    AuditStore audit = new AuditStore(TestPostgres.client(), auditDatabase);
    Instant at = Instant.parse("2026-11-30T10:00:00Z");
    audit.append(
        new AuditEntry(
            at,
            "alice",
            "incident-9",
            "r1",
            "HandleIncident",
            1,
            "assess-situation",
            null,
            "SUCCEEDED",
            "2.1"));
    audit.append(
        new AuditEntry(
            at.plusSeconds(60),
            "alice",
            "incident-9-restore",
            "r2",
            "RestoreFromBackup",
            1,
            "swap-staging-into-live",
            "daily/x.dump.gpg",
            "SUCCEEDED",
            "swapped"));
    IncidentReport report =
        new IncidentReport(
            "incident-9",
            "2.1 database-corruption",
            "alice",
            "bad migration",
            at,
            at.plusSeconds(600),
            "RECOVERED",
            "runbook 4.1",
            "incident-9-restore",
            "RESTORED",
            "s3://flowviz-backups/daily/x.dump.gpg",
            at.minusSeconds(3600),
            true,
            List.of(),
            Duration.ofMinutes(10),
            "WITHIN_TARGET",
            Duration.ofHours(1),
            "WITHIN_TARGET",
            Map.of("lots", "3 rows written after the backup"),
            List.of("restored"),
            List.of("services operational: yes"),
            "intact: all 2 entries chain correctly",
            null);
    IncidentActivities incident = activities(PASSPHRASE);

    ReportLocation location = incident.writeIncidentReport(report);
    StoredReport stored = incident.readIncidentReport("incident-9");

    assertEquals(reportBucket, location.bucket());
    assertEquals("incidents/incident-9/report.md", location.markdownKey());
    assertEquals(2, stored.report().timeline().size());
    assertTrue(
        stored
            .markdown()
            .contains(
                "| 2026-11-30 10:01:00 UTC | incident-9-restore | swap-staging-into-live |"
                    + " SUCCEEDED | swapped |"),
        stored.markdown());
    assertTrue(
        stored.markdown().contains("10 min 0 s (WITHIN_TARGET; target 15 min, maximum 1 h)"));
    assertTrue(stored.markdown().contains("| lots | 3 rows written after the backup |"));
  }

  @Test
  void aReportBucketThatDoesNotExistFailsAtOnceSayingWhatToCreate() throws Exception {
    reportBucket = "flowviz-compliance-missing-" + UUID.randomUUID().toString().substring(0, 8);
    IncidentReport report =
        new IncidentReport(
            "incident-10",
            "2.1 database-corruption",
            "alice",
            "bad migration",
            Instant.now(),
            Instant.now(),
            "RECOVERED",
            "runbook 4.1",
            "incident-10-restore",
            "RESTORED",
            "s3://flowviz-backups/daily/x.dump.gpg",
            Instant.now(),
            true,
            List.of(),
            Duration.ofMinutes(10),
            "WITHIN_TARGET",
            Duration.ofHours(1),
            "WITHIN_TARGET",
            Map.of(),
            List.of(),
            List.of(),
            "intact",
            List.of());

    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class, () -> activities(PASSPHRASE).writeIncidentReport(report));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertTrue(cause.isNonRetryable());
    assertEquals(FailureTypes.CONFIGURATION, cause.getType());
    assertTrue(
        cause.getOriginalMessage().contains("Create the bucket"), cause.getOriginalMessage());
  }

  @Test
  void aMissingReportIsANonRetryableFailureNamingWhereItLooked() throws Exception {
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () -> activities(PASSPHRASE).readIncidentReport("incident-none"));
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertTrue(cause.isNonRetryable());
    assertTrue(cause.getOriginalMessage().contains("incidents/incident-none/report.md"));
  }

  @Test
  void withoutAnIsolatedLocationABreachRestoreIsRefused() throws Exception {
    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities(PASSPHRASE).isolatedBackupLocation());
    assertEquals(FailureTypes.CONFIGURATION, ((ApplicationFailure) failure.getCause()).getType());
  }
}
