package com.flowviz.dr.activities.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.backup.BackupActivities;
import com.flowviz.dr.activities.backup.BackupActivitiesImpl;
import com.flowviz.dr.activities.backup.BackupSpec;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivitiesImpl;
import com.flowviz.dr.activities.crypto.FilePrivateKeySource;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.crypto.TransferredBackup;
import com.flowviz.dr.activities.lease.RunningWorkflows;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStores;
import com.flowviz.dr.activities.storage.BackupTimes;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.activities.verify.ApplicationLogin;
import com.flowviz.dr.activities.verify.ApplicationRoleAccess;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.activities.verify.VerificationActivitiesImpl;
import com.flowviz.dr.activities.verify.VerificationCheck;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.common.Names;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A production-shaped database (an owner role, a separate application role with grants and default
 * privileges, a database-level statement_timeout, collation C on a C.UTF-8 cluster) backed up,
 * downloaded, decrypted and restored by the real activities (pg_dump, pg_dumpall, gpg keys, moto
 * S3, pg_restore): on its own server and on a new cluster that has none of its roles. The
 * application's role, logging in with the password of its secret, reads and writes as before. About
 * 45 s on the loaded machine (one extra initdb).
 */
class FaithfulRestoreTest {

  private static final String KEY = "backup@flowviz.com";
  private static final String APP_SECRET = "flowviz/app/database";
  private static GpgHome gpg;
  private static Path keys;
  private static LocalPostgresCluster newInstance;
  private static final String NEW_INSTANCE_PASSWORD = "new-instance-" + System.nanoTime();

  @TempDir Path dir;

  @BeforeAll
  static void keysAndANewInstance(@TempDir Path tmp) throws Exception {
    gpg = GpgHome.create();
    gpg.generateKey(KEY, GpgHome.KeyType.RSA, null);
    keys = tmp;
    Files.write(tmp.resolve("public.asc"), gpg.exportPublicKey(KEY, true));
    Files.write(tmp.resolve("secret.asc"), gpg.exportSecretKey(KEY, null, true));
    Path home = Files.createTempDirectory(Path.of("/tmp"), "flowviz-dr-new-instance-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    newInstance =
        LocalPostgresCluster.start(
            home, 0, "admin", NEW_INSTANCE_PASSWORD, PgBinaries.locate(null));
  }

  @AfterAll
  static void cleanUp() {
    gpg.close();
    if (newInstance != null) {
      newInstance.destroy();
    }
  }

  /** The database as production has it; the roles are this test's own (roles are per cluster). */
  private record Production(String database, String owner, String app, String appPassword) {}

  private static Production production() {
    String database = TestPostgres.newDatabaseName("shop");
    String owner = database + "_owner";
    String app = database + "_app";
    String password = "app-" + System.nanoTime();
    TestPostgres.execute(
        "postgres",
        "CREATE ROLE " + owner + " NOLOGIN",
        "CREATE ROLE " + app + " LOGIN PASSWORD '" + password + "'",
        "CREATE DATABASE "
            + database
            + " OWNER "
            + owner
            + " TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'",
        "ALTER DATABASE " + database + " SET statement_timeout = '31s'",
        "REVOKE CONNECT ON DATABASE " + database + " FROM PUBLIC",
        "GRANT CONNECT ON DATABASE " + database + " TO " + app);
    TestPostgres.execute(
        database,
        "SET ROLE " + owner,
        "CREATE TABLE lots (id serial PRIMARY KEY, lot_code text NOT NULL, created_at timestamptz"
            + " NOT NULL DEFAULT now())",
        "INSERT INTO lots (lot_code) SELECT 'LOT-' || g FROM generate_series(1, 50) g",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON lots TO " + app,
        "GRANT USAGE ON SEQUENCE lots_id_seq TO " + app,
        // What the application's migrations create later is granted to it without a GRANT each
        // time.
        "ALTER DEFAULT PRIVILEGES FOR ROLE "
            + owner
            + " IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO "
            + app,
        "CREATE TABLE qc_decisions (id int PRIMARY KEY, decision text)",
        "INSERT INTO qc_decisions VALUES (1, 'APPROVED')",
        "CREATE TABLE users (id int PRIMARY KEY, email text)",
        "CREATE TABLE products (id int PRIMARY KEY, name text)",
        "INSERT INTO users VALUES (1, 'qa@flowviz.com')",
        "INSERT INTO products VALUES (1, 'Vaccine A')");
    return new Production(database, owner, app, password);
  }

  private record Restored(
      BackupObject backup, String staging, PgRestoreOutcome outcome, VerificationReport report) {}

  /**
   * Backup through the activities, then download, decrypt, restore and verify on {@code server}.
   */
  private Restored backupAndRestore(
      Production prod, PgServer server, LocalSecretStore secrets, boolean dropGlobals)
      throws Exception {
    S3Client s3 = TestMoto.s3();
    String bucket = TestMoto.newBucket(s3, "faithful");
    S3BackupStore store = new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE);
    String key = "daily/" + prod.database() + "_daily_20250119_020000.dump.gpg";
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    WorkDirectory work = new WorkDirectory(dir.resolve("work"));
    PgServers servers = new PgServers(TestPostgres.client(), secrets);
    ApplicationLogin login = new ApplicationLogin(prod.app(), APP_SECRET, secrets);
    env.registerActivitiesImplementations(
        new BackupActivitiesImpl(
            TestPostgres.client(),
            PgBinaries.locate(null),
            store,
            new RecipientKeys(keys.resolve("public.asc"))),
        new BackupDecryptionActivitiesImpl(
            new FilePrivateKeySource(keys.resolve("secret.asc"), null),
            work,
            BackupStores.single(store)),
        new PostgresActivitiesImpl(
            servers,
            PgBinaries.locate(null),
            work,
            2,
            List.of(),
            Set.of(),
            RunningWorkflows.UNKNOWN,
            login),
        new VerificationActivitiesImpl(
            servers,
            List.of(),
            Duration.ZERO,
            null,
            new ApplicationRoleAccess(login, prod.database())));
    try {
      TestActivities.stub(env, BackupActivities.class)
          .takeBackup(
              new BackupSpec(
                  prod.database(), bucket, key, "STANDARD", Instant.parse("2025-01-19T02:00:00Z")));
      String globalsKey = ClusterGlobals.keyFor(key);
      assertEquals(
          "daily/" + prod.database() + "_daily_20250119_020000.globals.sql.gpg", globalsKey);
      byte[] globals = s3.getObjectAsBytes(b -> b.bucket(bucket).key(globalsKey)).asByteArray();
      assertFalse(
          new String(globals, StandardCharsets.ISO_8859_1).contains("CREATE ROLE"),
          "the globals are encrypted");
      if (dropGlobals) {
        // A backup taken by hand (pg_dump | gpg), or before globals were kept: nothing to make
        // roles from.
        s3.deleteObject(b -> b.bucket(bucket).key(globalsKey));
      }
      BackupObject backup = BackupTimes.describe(store.head(bucket, key).orElseThrow());
      TransferredBackup transferred =
          TestActivities.stub(env, BackupDecryptionActivities.class)
              .downloadAndDecryptBackup(backup);
      PostgresActivities postgres = TestActivities.stub(env, PostgresActivities.class);
      String staging = Names.stagingDatabase(prod.database(), "wf-" + System.nanoTime());
      postgres.prepareStagingDatabase(staging, server);
      PgRestoreOutcome outcome =
          postgres.restoreIntoStaging(transferred.decrypted().path(), staging, server);
      VerificationReport report =
          TestActivities.stub(env, VerificationActivities.class)
              .verifyRestoredDatabase(staging, null, server);
      return new Restored(backup, staging, outcome, report);
    } finally {
      env.close();
    }
  }

  @Test
  void onItsOwnServerTheRestoreHasTheOwnersGrantsSettingsAndCollationOfTheArchive()
      throws Exception {
    Production prod = production();
    LocalSecretStore secrets = new LocalSecretStore(dir.resolve("secrets"));
    secrets.write(
        APP_SECRET,
        "{\"username\":\"" + prod.app() + "\",\"password\":\"" + prod.appPassword() + "\"}");

    Restored restored = backupAndRestore(prod, null, secrets, false);

    assertEquals(List.of(), restored.outcome().fidelity(), "nothing differs from the archive");
    assertTrue(restored.report().passed(), restored.report().checks().toString());
    VerificationCheck access = check(restored.report());
    assertTrue(access.actual().contains("read all 4 tables"), access.actual());
    PgClient worker = TestPostgres.client();
    assertSameAsProduction(worker, prod, restored.staging());
    assertApplicationWorks(worker, prod, restored.staging(), prod.appPassword());
  }

  @Test
  void onANewInstanceTheMissingRolesAreCreatedFromTheGlobalsWithTheApplicationsSecret()
      throws Exception {
    Production prod = production();
    LocalSecretStore secrets = new LocalSecretStore(dir.resolve("secrets"));
    // The secret the application reads; on the new instance its role gets this password, not the
    // source's.
    String secretPassword = "from-the-secret-" + System.nanoTime();
    secrets.write(
        APP_SECRET,
        "{\"username\":\"" + prod.app() + "\",\"password\":\"" + secretPassword + "\"}");
    secrets.write("new-instance/admin", NEW_INSTANCE_PASSWORD);
    // As 4.3 step 1 leaves it: an instance this tool provisioned, in the worker's server registry.
    PgServer server = newInstanceRegisteredIn(secrets);
    PgClient target = new PgServers(TestPostgres.client(), secrets).client(server);
    assertEquals(
        List.of(),
        names(
            target,
            "postgres",
            "SELECT rolname FROM pg_roles WHERE rolname IN ('"
                + prod.owner()
                + "', '"
                + prod.app()
                + "')"),
        "the new instance has neither role");

    Restored restored = backupAndRestore(prod, server, secrets, false);

    assertTrue(restored.report().passed(), restored.report().checks().toString());
    assertEquals(1, restored.outcome().fidelity().size(), restored.outcome().fidelity().toString());
    String made = restored.outcome().fidelity().get(0);
    assertTrue(
        made.startsWith("created from the backup's globals")
            && made.contains(prod.owner())
            && made.contains(prod.app()),
        made);
    assertEquals(
        List.of("f"),
        names(
            target,
            "postgres",
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = '" + prod.owner() + "'"),
        "the owner is created as it was: NOLOGIN");
    assertSameAsProduction(target, prod, restored.staging());
    assertApplicationWorks(target, prod, restored.staging(), secretPassword);
  }

  @Test
  void withoutGlobalsOnANewInstanceTheFallbackIsReportedAndTheApplicationsRoleFailsVerification()
      throws Exception {
    Production prod = production();
    LocalSecretStore secrets = new LocalSecretStore(dir.resolve("secrets"));
    secrets.write(
        APP_SECRET,
        "{\"username\":\"" + prod.app() + "\",\"password\":\"" + prod.appPassword() + "\"}");
    secrets.write("new-instance/admin", NEW_INSTANCE_PASSWORD);
    // As 4.3 step 1 leaves it: an instance this tool provisioned, in the worker's server registry.
    PgServer server = newInstanceRegisteredIn(secrets);
    PgClient target = new PgServers(TestPostgres.client(), secrets).client(server);

    Restored restored = backupAndRestore(prod, server, secrets, true);

    String fallback =
        restored.outcome().fidelity().stream()
            .filter(f -> f.startsWith(PgRestoreOutcome.FALLBACK))
            .findFirst()
            .orElseThrow(() -> new AssertionError(restored.outcome().fidelity().toString()));
    assertTrue(fallback.contains(prod.owner()) && fallback.contains("no globals file"), fallback);
    assertFalse(restored.outcome().ownersAndPrivilegesRestored());
    assertEquals(
        List.of("admin"),
        names(
            target,
            restored.staging(),
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"));
    assertFalse(
        restored.report().passed(), "a restore the application cannot use fails verification");
    VerificationCheck access = check(restored.report());
    assertFalse(access.passed());
    assertTrue(access.actual().contains("does not exist"), access.actual());
    assertEquals(
        List.of("0"),
        names(
            target,
            "postgres",
            "SELECT count(*) FROM pg_roles WHERE rolname = '" + prod.app() + "'"),
        "no role was made up without its definition");
  }

  @Test
  void aRestoreWhoseArchiveGrantsTheApplicationNothingFailsVerification() throws Exception {
    Production prod = production();
    // The grants were lost on the source before the backup (the symptom, now in the
    // archive).
    TestPostgres.execute(
        prod.database(), "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + prod.app());
    LocalSecretStore secrets = new LocalSecretStore(dir.resolve("secrets"));
    secrets.write(
        APP_SECRET,
        "{\"username\":\"" + prod.app() + "\",\"password\":\"" + prod.appPassword() + "\"}");

    Restored restored = backupAndRestore(prod, null, secrets, false);

    assertFalse(restored.report().passed());
    VerificationCheck access = check(restored.report());
    assertTrue(access.actual().contains("none of the 4 tables"), access.actual());
  }

  private static VerificationCheck check(VerificationReport report) {
    return report.checks().stream()
        .filter(c -> c.name().equals("application role reads its tables"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no application-role check in " + report.checks()));
  }

  private static void assertSameAsProduction(PgClient server, Production prod, String staging)
      throws SQLException {
    assertEquals(
        List.of(prod.owner() + " C C UTF8"),
        names(
            server,
            "postgres",
            "SELECT pg_get_userbyid(datdba) || ' ' || datcollate || ' ' || datctype || ' ' ||"
                + " pg_encoding_to_char(encoding) FROM pg_database WHERE datname = '"
                + staging
                + "'"),
        "owner, collation, ctype and encoding as the archive's");
    assertEquals(
        List.of("{statement_timeout=31s}"),
        names(
            server,
            "postgres",
            "SELECT s.setconfig::text FROM pg_db_role_setting s JOIN pg_database d ON d.oid ="
                + " s.setdatabase WHERE d.datname = '"
                + staging
                + "' AND s.setrole = 0"),
        "the database-level setting");
    assertEquals(
        List.of(prod.owner()),
        names(
            server,
            staging,
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"));
    assertEquals(
        List.of("1"),
        names(
            server,
            staging,
            "SELECT count(*) FROM pg_default_acl WHERE defaclrole = '"
                + prod.owner()
                + "'::regrole"),
        "the default privileges");
    assertEquals(
        List.of("f"),
        names(
            server,
            "postgres",
            "SELECT has_database_privilege('public', '" + staging + "', 'CONNECT')"),
        "CONNECT revoked from PUBLIC as in the archive");
  }

  /**
   * As the application: its own role and password; reads, writes, and sees the database's setting.
   */
  private static void assertApplicationWorks(
      PgClient server, Production prod, String staging, String password) throws SQLException {
    PgClient app = new PgClient(server.settings().withCredentials(prod.app(), password));
    try (Connection c = app.connect(staging);
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT count(*), current_setting('statement_timeout') FROM lots")) {
        rs.next();
        assertEquals(50, rs.getInt(1));
        assertEquals("31s", rs.getString(2));
      }
      assertEquals(1, s.executeUpdate("INSERT INTO lots (lot_code) VALUES ('LOT-AFTER-RESTORE')"));
      assertEquals(
          1, s.executeUpdate("UPDATE lots SET lot_code = 'LOT-1b' WHERE lot_code = 'LOT-1'"));
      try (ResultSet rs = s.executeQuery("SELECT decision FROM qc_decisions")) {
        assertTrue(rs.next(), "granted by the default privileges");
      }
    }
  }

  private static List<String> names(PgClient server, String database, String sql)
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

  private PgServer newInstanceRegisteredIn(LocalSecretStore secrets) {
    ServerRegistry.Entry entry =
        new ServerRegistry.Entry(
            ServerRegistry.instanceName("faithful-new"),
            "127.0.0.1",
            newInstance.port(),
            "admin",
            "new-instance/admin");
    ServerRegistry.recordingIn(secrets).record(entry);
    return entry.toServer();
  }
}
