package com.flowviz.dr.activities.physical.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.physical.ArchivingCheck;
import com.flowviz.dr.activities.physical.ArchivingCluster;
import com.flowviz.dr.activities.physical.BaseBackupActivities;
import com.flowviz.dr.activities.physical.BaseBackupCompression;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.BaseBackupSpec;
import com.flowviz.dr.activities.physical.BaseBackupTaken;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.physical.retention.ArchiveRetention;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.postgres.ServerRegistry;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Base backups of a private cluster that archives its WAL (wal_level=replica, archive_mode=on,
 * PostgreSQL's example copy command), through real pg_basebackup, real moto and real OpenPGP keys,
 * restored the way an operator would without flowviz-dr.
 */
class BaseBackupActivitiesTest {

  private static final String BACKUP_KEY = "backup@flowviz.com";
  private static final String BACKUP_PASSPHRASE = "backup passphrase";
  private static final String SIGNER = "signing@flowviz.com";
  private static final String SIGNING_PASSPHRASE = "signing passphrase";
  private static final int PART = 5 * 1024 * 1024;

  private static ArchivingPostgres pg;
  private static GpgHome gpg;
  private static Path keys;
  private static Path publicKey;
  private static Path passphraseFile;
  private static LocalSecretStore secrets;
  private static PgServers servers;
  private static S3Client s3;

  private final List<TestActivityEnvironment> environments = new java.util.ArrayList<>();
  private String bucket;

  @BeforeAll
  static void start() throws Exception {
    gpg = GpgHome.create();
    gpg.generateKey(BACKUP_KEY, GpgHome.KeyType.RSA, BACKUP_PASSPHRASE);
    gpg.generateKey(SIGNER, GpgHome.KeyType.CURVE25519, SIGNING_PASSPHRASE);
    keys = Files.createTempDirectory("flowviz-dr-basebackup-keys");
    publicKey = Files.write(keys.resolve("backup.pub.asc"), gpg.exportPublicKey(BACKUP_KEY, true));
    passphraseFile =
        Files.writeString(keys.resolve("passphrase"), BACKUP_PASSPHRASE, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(passphraseFile, PosixFilePermissions.fromString("rw-------"));
    secrets = new LocalSecretStore(keys.resolve("secrets"));
    secrets.write(
        "flowviz/backup/signing-key",
        new String(
            gpg.exportSecretKey(SIGNER, SIGNING_PASSPHRASE, true), StandardCharsets.US_ASCII));
    secrets.write("flowviz/backup/signing-key-passphrase", SIGNING_PASSPHRASE);

    pg = ArchivingPostgres.startArchiving("basebackup");
    pg.execute("postgres", "CREATE DATABASE shop");
    pg.execute(
        "shop",
        "CREATE TABLE orders (id int PRIMARY KEY, note text NOT NULL)",
        "INSERT INTO orders SELECT g, 'before' FROM generate_series(1, 1000) g",
        // Ballast that compresses only by half: enough ciphertext for several 5 MiB parts.
        "CREATE TABLE ballast AS SELECT g AS id, md5(random()::text) AS a,"
            + " md5(random()::text) AS b FROM generate_series(1, 300000) g");
    servers =
        new PgServers(
            pg.client(),
            secrets,
            new ServerRegistry(pg.settings(), secrets, n -> Optional.empty()));
    s3 = TestMoto.s3();
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
    gpg.close();
    try (Stream<Path> paths = Files.walk(keys)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @BeforeEach
  void setUp() {
    bucket = TestMoto.newBucket(s3, "physical");
  }

  @AfterEach
  void tearDown() {
    environments.forEach(TestActivityEnvironment::close);
  }

  /** Activities in an environment of their own (a worker, as a retry may find another one). */
  private BaseBackupActivities activities(BackupStore unsigned) {
    return activities(unsigned, BaseBackupCompression.ZSTD);
  }

  private BaseBackupActivities activities(BackupStore unsigned, BaseBackupCompression compression) {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    environments.add(env);
    BackupStore signing =
        new SigningBackupStore(
            unsigned,
            new BackupSigningKey(
                secrets,
                BackupSigningKey.DEFAULT_KEY_SECRET,
                BackupSigningKey.DEFAULT_PASSPHRASE_SECRET));
    env.registerActivitiesImplementations(
        new BaseBackupActivitiesImpl(
            servers,
            PgBinaries.locate(null),
            signing,
            new RecipientKeys(publicKey),
            new ArchiveRetention(unsigned, TrustedSigners.none()),
            BaseBackupActivitiesImpl.DEFAULT_ARCHIVE_WAIT_LIMIT,
            compression));
    return TestActivities.stub(env, BaseBackupActivities.class);
  }

  private BaseBackupSpec spec(String systemIdentifier) {
    return BaseBackupSpec.builder()
        .server(ServerRegistry.PRODUCTION)
        .bucket(bucket)
        .systemIdentifier(systemIdentifier)
        .storageClass("STANDARD")
        .build();
  }

  private static String systemIdentifier() {
    return pg.query("postgres", "SELECT system_identifier::text FROM pg_control_system()").get(0);
  }

  @Test
  void checkArchivingNamesTheClusterItsTimelineAndHowItsArchiverFares() throws Exception {
    String switched = pg.query("postgres", "SELECT pg_walfile_name(pg_switch_wal())").get(0);
    pg.awaitArchived(switched);

    ArchivingCluster cluster =
        activities(new S3BackupStore(s3, PART))
            .checkArchiving(ArchivingCheck.builder().server(ServerRegistry.PRODUCTION).build());

    assertEquals(systemIdentifier(), cluster.systemIdentifier());
    assertEquals(
        pg.query("postgres", "SELECT timeline_id::text FROM pg_control_checkpoint()").get(0),
        String.valueOf(cluster.timeline()));
    assertEquals("replica", cluster.walLevel());
    assertEquals("on", cluster.archiveMode());
    assertEquals(ArchivingPostgres.copyArchiveCommand(pg.archive()), cluster.archiveCommand());
    assertTrue(
        cluster.lastArchivedWal().compareTo(switched) >= 0,
        cluster.lastArchivedWal() + " is older than the switched " + switched);
    assertNotNull(cluster.lastArchivedAt());
    assertTrue(cluster.serverVersion().startsWith("15"), cluster.serverVersion());
  }

  /**
   * Deliver 1 and the runbook's promise: with nothing but aws, gpg, tar and pg_ctl, the backup
   * becomes a running server that has replayed the WAL archived after it.
   */
  @Test
  void aBaseBackupRestoresByHandWithAwsGpgTarAndPgCtlAndReplaysTheArchivedWal() throws Exception {
    BaseBackupActivities activities = activities(new S3BackupStore(s3, PART));
    ArchivingCluster cluster =
        activities.checkArchiving(
            ArchivingCheck.builder().server(ServerRegistry.PRODUCTION).build());
    BaseBackupTaken taken = activities.takeBaseBackup(spec(cluster.systemIdentifier()));
    pg.execute("shop", "INSERT INTO orders SELECT g, 'after' FROM generate_series(1001, 1100) g");
    pg.awaitArchived(pg.query("postgres", "SELECT pg_walfile_name(pg_switch_wal())").get(0));

    Path restore = newRestoreDirectory("restore-by-hand");
    Path data = Files.createDirectory(restore.resolve("data"));
    for (String key : List.of(taken.dataKey(), taken.pgManifestKey(), taken.manifestKey())) {
      String name = key.substring(key.lastIndexOf('/') + 1);
      ByHand.awsS3Copy(bucket, key, restore.resolve(name));
      ByHand.awsS3Copy(
          bucket,
          key + SigningBackupStore.SIGNATURE_SUFFIX,
          restore.resolve(name + SigningBackupStore.SIGNATURE_SUFFIX));
      String verified =
          ByHand.gpgVerify(
              gpg.home(),
              restore.resolve(name + SigningBackupStore.SIGNATURE_SUFFIX),
              restore.resolve(name));
      assertTrue(verified.contains("[GNUPG:] GOODSIG"), name + ": " + verified);
    }
    assertTrue(taken.dataKey().endsWith("/base.tar.zst.gpg"), taken.dataKey());
    assertEquals("zstd", taken.manifest().compression());
    String dataFile = taken.dataKey().substring(taken.dataKey().lastIndexOf('/') + 1);
    ByHand.decryptAndUntar(gpg.home(), passphraseFile, restore.resolve(dataFile), data);
    String verification = ByHand.pgVerifybackup(restore.resolve("backup_manifest"), data);
    assertTrue(verification.contains("backup successfully verified"), verification);

    int port = LocalPostgresCluster.freePort();
    Files.writeString(data.resolve("recovery.signal"), "");
    Files.writeString(
        data.resolve("postgresql.auto.conf"),
        String.join(
                "\n",
                "port = " + port,
                "unix_socket_directories = '" + restore + "'",
                // A restored copy must not archive into the archive of the cluster it came from.
                "archive_mode = off",
                "restore_command = 'cp " + pg.archive() + "/%f %p'")
            + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    ByHand.handToServerUser(data);
    ArchivingPostgres.giveToServerUser(restore);
    ByHand.pgCtlStart(data, restore.resolve("server.log"));
    try {
      PgClient restored = new PgClient(pg.settings().withEndpoint("127.0.0.1", port));
      awaitPromoted(restored, restore.resolve("server.log"));
      assertEquals(
          List.of("after:100", "before:1000"),
          ArchivingPostgres.query(
              restored,
              "shop",
              "SELECT note || ':' || count(*) FROM orders GROUP BY note ORDER BY note"));
      assertEquals(
          pg.query("shop", "SELECT md5(string_agg(a || b, '' ORDER BY id)) FROM ballast"),
          ArchivingPostgres.query(
              restored, "shop", "SELECT md5(string_agg(a || b, '' ORDER BY id)) FROM ballast"));
    } finally {
      ByHand.pgCtlStop(data);
    }
  }

  /**
   * flowviz.base-backup.compression = openpgp-zlib: the literal by-hand restore, {@code gpg
   * -d | tar -x}, with OpenPGP's own compression inside the encryption (slower to take: zlib costs
   * about three times zstd's CPU). The manifest says which, so a restore knows.
   */
  @Test
  void withOpenPgpZlibCompressionTheBackupRestoresWithAPlainGpgDecryptAndTar() throws Exception {
    BaseBackupTaken taken =
        activities(new S3BackupStore(s3, PART), BaseBackupCompression.OPENPGP_ZLIB)
            .takeBaseBackup(spec(systemIdentifier()));
    assertTrue(taken.dataKey().endsWith("/base.tar.gpg"), taken.dataKey());
    assertEquals("openpgp-zlib", taken.manifest().compression());
    assertEquals(
        taken.manifest(),
        Json.read(
            s3.getObjectAsBytes(b -> b.bucket(bucket).key(taken.manifestKey())).asByteArray(),
            BaseBackupManifest.class));

    Path restore = newRestoreDirectory("restore-zlib");
    Path data = Files.createDirectory(restore.resolve("data"));
    ByHand.awsS3Copy(bucket, taken.dataKey(), restore.resolve("base.tar.gpg"));
    ByHand.awsS3Copy(bucket, taken.pgManifestKey(), restore.resolve("backup_manifest"));
    ByHand.decryptAndUntar(gpg.home(), passphraseFile, restore.resolve("base.tar.gpg"), data);
    String verification = ByHand.pgVerifybackup(restore.resolve("backup_manifest"), data);
    assertTrue(verification.contains("backup successfully verified"), verification);
  }

  /**
   * Deliver 1's manifest, checked against what PostgreSQL itself says: pg_controldata and
   * backup_label of the restored copy, and the backup history file the server archived at the
   * backup's stop.
   */
  @Test
  void theFlowvizManifestAgreesWithPgControldataBackupLabelAndTheArchivedHistoryFile()
      throws Exception {
    Instant before = Instant.now();
    BaseBackupTaken taken =
        activities(new S3BackupStore(s3, PART)).takeBaseBackup(spec(systemIdentifier()));
    Instant after = Instant.now();
    BaseBackupManifest manifest = taken.manifest();

    assertEquals(
        manifest,
        Json.read(
            s3.getObjectAsBytes(b -> b.bucket(bucket).key(taken.manifestKey())).asByteArray(),
            BaseBackupManifest.class));
    assertEquals(
        PhysicalArchiveLayout.backupPrefix(systemIdentifier(), manifest.backupId()),
        taken.prefix());
    byte[] object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(taken.dataKey())).asByteArray();
    assertEquals(object.length, manifest.encryptedBytes());
    assertEquals(DigestingOutputStream.sha256Hex(object), manifest.sha256());
    byte[] pgManifest =
        s3.getObjectAsBytes(b -> b.bucket(bucket).key(taken.pgManifestKey())).asByteArray();
    assertEquals(DigestingOutputStream.sha256Hex(pgManifest), manifest.pgManifestSha256());

    Path restore = newRestoreDirectory("restore-manifest");
    Path tar = restore.resolve("base.tar");
    Path compressed = restore.resolve("base.tar.zst");
    gpg.decrypt(
        Files.write(restore.resolve("base.tar.zst.gpg"), object), compressed, BACKUP_PASSPHRASE);
    ChildProcess.run(
        List.of(
            RequiredTools.find("zstd"), "-d", "-q", compressed.toString(), "-o", tar.toString()),
        Map.of(),
        Duration.ofMinutes(2),
        null);
    assertEquals(Files.size(tar), manifest.tarBytes());
    assertEquals(DigestingOutputStream.sha256Hex(Files.readAllBytes(tar)), manifest.tarSha256());
    Path data = Files.createDirectory(restore.resolve("data"));
    ChildProcess.run(
        List.of("tar", "-x", "-f", tar.toString(), "-C", data.toString()),
        Map.of(),
        Duration.ofMinutes(2),
        null);
    // The manifest inside the tar is the one uploaded beside it.
    assertEquals(
        DigestingOutputStream.sha256Hex(Files.readAllBytes(data.resolve("backup_manifest"))),
        manifest.pgManifestSha256());

    String controldata = ByHand.pgControldata(data);
    assertEquals(field(controldata, "Database system identifier"), manifest.systemIdentifier());
    assertEquals(
        field(controldata, "Latest checkpoint's TimeLineID"), String.valueOf(manifest.timeline()));
    String label = ByHand.read(data.resolve("backup_label"));
    assertEquals(
        field(label, "START WAL LOCATION"),
        manifest.startLsn() + " (file " + manifest.startWalFile() + ")");
    assertEquals(field(label, "START TIMELINE"), String.valueOf(manifest.timeline()));
    assertEquals(field(label, "LABEL"), "flowviz-dr-" + manifest.backupId());

    // pg_backup_stop's own record of the stop, archived as <start file>.<offset>.backup.
    Path history = awaitBackupHistoryFile(manifest.startWalFile());
    String stopped = ByHand.read(history);
    assertEquals(
        field(stopped, "STOP WAL LOCATION"),
        manifest.stopLsn() + " (file " + manifest.stopWalFile() + ")");
    assertEquals(
        field(stopped, "START WAL LOCATION"),
        manifest.startLsn() + " (file " + manifest.startWalFile() + ")");

    assertEquals(
        BackupIds.of(manifest.startTime()).substring(0, 13), manifest.backupId().substring(0, 13));
    assertFalse(manifest.startTime().isBefore(before.minusSeconds(1)), manifest.startTime() + "");
    assertFalse(manifest.stopTime().isBefore(manifest.startTime()));
    assertFalse(manifest.stopTime().isAfter(after.plusSeconds(1)), manifest.stopTime() + "");
    assertEquals(encryptionSubkeyFingerprint(BACKUP_KEY), manifest.recipientKeyFingerprint());
  }

  /**
   * pg_basebackup killed mid-stream, a part already in S3: the attempt fails (retryable), leaves no
   * object and no open multipart upload, the server no running backup; the next attempt is a new,
   * complete backup under a new id.
   */
  @Test
  void aKilledPgBasebackupLeavesNothingAndTheNextAttemptIsANewCompleteBackup() throws Exception {
    PausingBackupStore pausing = new PausingBackupStore(new S3BackupStore(s3, PART), PART + 1);
    BaseBackupActivities activities = activities(pausing);
    String sysid = systemIdentifier();
    CompletableFuture<BaseBackupTaken> attempt =
        CompletableFuture.supplyAsync(() -> activities.takeBaseBackup(spec(sysid)));
    String killedKey;
    try {
      assertTrue(pausing.awaitPaused(120), "the base backup never reached its second part");
      List<MultipartUpload> open = s3.listMultipartUploads(b -> b.bucket(bucket)).uploads();
      assertEquals(1, open.size(), "one multipart upload is under way");
      killedKey = open.get(0).key();
      ProcessHandle pgBasebackup =
          ProcessHandle.current()
              .descendants()
              .filter(p -> p.info().command().orElse("").endsWith("/pg_basebackup"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no pg_basebackup is running"));
      assertTrue(pgBasebackup.destroyForcibly(), "SIGKILL to pg_basebackup");
      pgBasebackup.onExit().get(30, TimeUnit.SECONDS);
    } finally {
      pausing.release();
    }
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> attempt.get(2, TimeUnit.MINUTES));
    ApplicationFailure failure =
        assertInstanceOf(
            ApplicationFailure.class,
            assertInstanceOf(ActivityFailure.class, failed.getCause()).getCause());
    assertFalse(failure.isNonRetryable(), failure.getOriginalMessage());
    assertTrue(
        failure.getOriginalMessage().contains("pg_basebackup of production failed"),
        failure.getOriginalMessage());

    assertTrue(
        s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty(),
        "the killed attempt's upload was aborted");
    assertTrue(
        s3.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty(),
        "the killed attempt left no object, no flowviz-manifest.json");
    awaitNoWalSender();

    BaseBackupTaken next = activities(new S3BackupStore(s3, PART)).takeBaseBackup(spec(sysid));
    String killedId = killedKey.split("/")[2];
    assertNotEquals(killedId, next.manifest().backupId());
    assertTrue(
        s3.listObjectsV2(b -> b.bucket(bucket).prefix(next.prefix())).contents().stream()
            .anyMatch(o -> o.key().endsWith("/" + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE)));
    assertTrue(
        s3.listObjectsV2(b -> b.bucket(bucket).prefix("base/" + sysid + "/" + killedId + "/"))
            .contents()
            .isEmpty());
  }

  /** The encryption subkey's fingerprint, as gpg lists it ({@code fpr} after {@code sub}). */
  private static String encryptionSubkeyFingerprint(String email) {
    String colons =
        ChildProcess.run(
            List.of("gpg", "--batch", "--with-colons", "--fingerprint", "--list-keys", email),
            Map.of("GNUPGHOME", gpg.home().toString()),
            Duration.ofMinutes(1),
            null);
    List<String> lines = colons.lines().toList();
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).startsWith("sub:") && lines.get(i + 1).startsWith("fpr:")) {
        return lines.get(i + 1).split(":")[9];
      }
    }
    throw new AssertionError("gpg lists no encryption subkey of " + email + ":\n" + colons);
  }

  private static String field(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":\\s*(.*?)\\s*$").matcher(text);
    assertTrue(m.find(), "no " + name + " in:\n" + text);
    return m.group(1);
  }

  private static Path newRestoreDirectory(String name) throws Exception {
    Path dir = Files.createTempDirectory(pg.home(), name + "-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private static Path awaitBackupHistoryFile(String startWalFile) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(pg.archive())) {
        Optional<Path> history =
            files
                .filter(f -> f.getFileName().toString().startsWith(startWalFile + "."))
                .filter(f -> f.getFileName().toString().endsWith(".backup"))
                .findFirst();
        if (history.isPresent()) {
          return history.get();
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no backup history file of " + startWalFile + " was archived");
  }

  private static void awaitPromoted(PgClient restored, Path log) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      try {
        if ("f"
            .equals(
                ArchivingPostgres.query(restored, "postgres", "SELECT pg_is_in_recovery()")
                    .get(0))) {
          return;
        }
      } catch (IllegalStateException starting) {
        // not accepting connections yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the restored copy did not finish recovery:\n" + ByHand.read(log));
  }

  private static void awaitNoWalSender() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!pg.query(
            "postgres", "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender'")
        .equals(List.of("0"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the killed base backup still runs on the server");
      }
      Thread.sleep(200);
    }
  }
}
