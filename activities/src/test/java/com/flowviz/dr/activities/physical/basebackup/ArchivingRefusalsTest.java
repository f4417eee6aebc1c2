package com.flowviz.dr.activities.physical.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.physical.ArchivingCheck;
import com.flowviz.dr.activities.physical.BaseBackupActivities;
import com.flowviz.dr.activities.physical.BaseBackupCompression;
import com.flowviz.dr.activities.physical.BaseBackupSpec;
import com.flowviz.dr.activities.physical.retention.ArchiveRetention;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.postgres.ServerRegistry;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Clusters a base backup cannot work on, refused at once (non-retryable) with the setting named and
 * its fix, and nothing written to the bucket: {@code wal_level=minimal}, {@code archive_mode=off},
 * an empty {@code archive_command}, a role without REPLICATION, a pg_hba.conf that rejects
 * replication, a server replaced since its check. An unreachable server is retried.
 */
class ArchivingRefusalsTest {

  private static ArchivingPostgres archiving;
  private static ArchivingPostgres unarchived;
  private static GpgHome gpg;
  private static Path keys;
  private static LocalSecretStore secrets;
  private static PgServers servers;
  private static S3Client s3;

  private TestActivityEnvironment env;
  private String bucket;
  private BaseBackupActivities activities;

  @BeforeAll
  static void start() throws Exception {
    gpg = GpgHome.create();
    gpg.generateKey("backup@flowviz.com", GpgHome.KeyType.CURVE25519, null);
    gpg.generateKey("signing@flowviz.com", GpgHome.KeyType.CURVE25519, null);
    keys = Files.createTempDirectory("flowviz-dr-refusals-keys");
    Files.write(keys.resolve("backup.pub.asc"), gpg.exportPublicKey("backup@flowviz.com", true));
    secrets = new LocalSecretStore(keys.resolve("secrets"));
    secrets.write(
        BackupSigningKey.DEFAULT_KEY_SECRET,
        new String(
            gpg.exportSecretKey("signing@flowviz.com", null, true), StandardCharsets.US_ASCII));

    archiving = ArchivingPostgres.startArchiving("refusals");
    unarchived = ArchivingPostgres.start("unarchived", pg -> minimal());
    ServerRegistry registry =
        new ServerRegistry(archiving.settings(), secrets, n -> Optional.empty());
    register(registry, "instance:unarchived", unarchived.port(), "admin", unarchived.password());
    String password = "pw-" + UUID.randomUUID();
    archiving.execute(
        "postgres",
        "CREATE ROLE norepl LOGIN PASSWORD '" + password + "'",
        "CREATE ROLE hbarepl LOGIN REPLICATION PASSWORD '" + password + "'");
    register(registry, "instance:norepl", archiving.port(), "norepl", password);
    register(registry, "instance:hbarepl", archiving.port(), "hbarepl", password);
    register(registry, "instance:gone", LocalPostgresCluster.freePort(), "admin", password);
    // Replication for hbarepl is rejected by the first matching line, as an operator's rule would.
    Path hba = archiving.dataDirectory().resolve("pg_hba.conf");
    Files.writeString(
        hba, "host replication hbarepl 127.0.0.1/32 reject\n" + Files.readString(hba));
    archiving.execute("postgres", "SELECT pg_reload_conf()");
    servers = new PgServers(archiving.client(), secrets, registry);
    s3 = TestMoto.s3();
  }

  private static void register(
      ServerRegistry registry, String name, int port, String user, String password) {
    String secret = "flowviz-test/" + name.replace(':', '-');
    secrets.write(secret, password);
    registry.record(new ServerRegistry.Entry(name, "127.0.0.1", port, user, secret));
  }

  private static Map<String, String> minimal() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("wal_level", "minimal");
    settings.put("max_wal_senders", "0");
    settings.put("archive_mode", "off");
    return settings;
  }

  @AfterAll
  static void stop() throws Exception {
    if (archiving != null) {
      archiving.close();
    }
    if (unarchived != null) {
      unarchived.close();
    }
    gpg.close();
    try (Stream<Path> paths = Files.walk(keys)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @BeforeEach
  void setUp() {
    bucket = TestMoto.newBucket(s3, "refusals");
    env = TestActivityEnvironment.newInstance();
    S3BackupStore store = new S3BackupStore(s3, 5 * 1024 * 1024);
    env.registerActivitiesImplementations(
        new BaseBackupActivitiesImpl(
            servers,
            PgBinaries.locate(null),
            new SigningBackupStore(
                store,
                new BackupSigningKey(
                    secrets,
                    BackupSigningKey.DEFAULT_KEY_SECRET,
                    BackupSigningKey.DEFAULT_PASSPHRASE_SECRET)),
            new RecipientKeys(keys.resolve("backup.pub.asc")),
            new ArchiveRetention(store, TrustedSigners.none()),
            BaseBackupActivitiesImpl.DEFAULT_ARCHIVE_WAIT_LIMIT,
            BaseBackupCompression.ZSTD));
    activities = TestActivities.stub(env, BaseBackupActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void walLevelMinimalIsRefusedNamingTheSetting() {
    unarchived.reconfigure(minimal());
    assertRefusedEverywhere(
        "instance:unarchived",
        FailureTypes.ARCHIVING_NOT_CONFIGURED,
        "wal_level = minimal",
        "Set wal_level = replica");
  }

  @Test
  void archiveModeOffIsRefusedNamingTheSetting() {
    unarchived.reconfigure(
        Map.of("wal_level", "replica", "max_wal_senders", "10", "archive_mode", "off"));
    assertRefusedEverywhere(
        "instance:unarchived",
        FailureTypes.ARCHIVING_NOT_CONFIGURED,
        "archive_mode = off",
        "Set archive_mode = on");
  }

  @Test
  void anEmptyArchiveCommandIsRefusedBecauseTheBackupWouldWaitForever() {
    unarchived.reconfigure(
        Map.of(
            "wal_level", "replica",
            "max_wal_senders", "10",
            "archive_mode", "on",
            "archive_command", ""));
    assertRefusedEverywhere(
        "instance:unarchived",
        FailureTypes.ARCHIVING_NOT_CONFIGURED,
        "empty archive_command",
        "wait forever");
  }

  @Test
  void aRoleWithoutReplicationIsRefusedWithTheGrantToRun() {
    assertRefusedEverywhere(
        "instance:norepl",
        FailureTypes.ARCHIVING_NOT_CONFIGURED,
        "neither the REPLICATION nor the SUPERUSER attribute",
        "ALTER ROLE norepl REPLICATION");
  }

  /**
   * The role may replicate but pg_hba.conf rejects it: the check's replication probe and
   * pg_basebackup itself both say so, and the base backup's upload never begins.
   */
  @Test
  void aPgHbaThatRejectsReplicationIsRefusedByTheProbeAndByPgBasebackup() {
    assertRefusedEverywhere(
        "instance:hbarepl",
        FailureTypes.ARCHIVING_NOT_CONFIGURED,
        "pg_hba.conf of instance:hbarepl refuses",
        "host replication hbarepl");
  }

  @Test
  void aServerReplacedSinceItsCheckIsRefusedBeforeAnythingIsWritten() {
    ApplicationFailure failure =
        failure(
            () ->
                activities.takeBaseBackup(spec(ServerRegistry.PRODUCTION, "7000000000000000001")));
    assertTrue(failure.isNonRetryable());
    assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("not 7000000000000000001 that was checked"),
        failure.getOriginalMessage());
    assertNothingWritten();
  }

  @Test
  void anUnreachableServerIsRetried() {
    ApplicationFailure failure =
        failure(
            () ->
                activities.checkArchiving(
                    ArchivingCheck.builder().server("instance:gone").build()));
    assertFalse(failure.isNonRetryable(), failure.getOriginalMessage());
    assertEquals(FailureTypes.DATABASE_UNAVAILABLE, failure.getType());
    failure = failure(() -> activities.takeBaseBackup(spec("instance:gone", "1")));
    assertFalse(failure.isNonRetryable(), failure.getOriginalMessage());
    assertNothingWritten();
  }

  private void assertRefusedEverywhere(String server, String type, String... phrases) {
    ApplicationFailure checked =
        failure(() -> activities.checkArchiving(ArchivingCheck.builder().server(server).build()));
    ApplicationFailure backedUp =
        failure(() -> activities.takeBaseBackup(spec(server, systemIdentifierOf(server))));
    for (ApplicationFailure failure : new ApplicationFailure[] {checked, backedUp}) {
      assertTrue(failure.isNonRetryable(), failure.getOriginalMessage());
      assertEquals(type, failure.getType(), failure.getOriginalMessage());
      for (String phrase : phrases) {
        assertTrue(
            failure.getOriginalMessage().contains(phrase),
            "\"" + phrase + "\" not in: " + failure.getOriginalMessage());
      }
    }
    assertNothingWritten();
  }

  private static String systemIdentifierOf(String server) {
    ArchivingPostgres cluster = server.equals("instance:unarchived") ? unarchived : archiving;
    return cluster
        .query("postgres", "SELECT system_identifier::text FROM pg_control_system()")
        .get(0);
  }

  private BaseBackupSpec spec(String server, String systemIdentifier) {
    return BaseBackupSpec.builder()
        .server(server)
        .bucket(bucket)
        .systemIdentifier(systemIdentifier)
        .storageClass("STANDARD")
        .build();
  }

  private void assertNothingWritten() {
    assertTrue(s3.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty(), "no object");
    assertTrue(
        s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty(), "no upload begun");
  }

  private static ApplicationFailure failure(Executable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call);
    return assertInstanceOf(ApplicationFailure.class, failure.getCause());
  }
}
