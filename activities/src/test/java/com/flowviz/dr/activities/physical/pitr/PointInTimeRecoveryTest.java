package com.flowviz.dr.activities.physical.pitr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.common.StepProgress;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.FilePrivateKeySource;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.physical.BaseBackupActivities;
import com.flowviz.dr.activities.physical.BaseBackupCompression;
import com.flowviz.dr.activities.physical.BaseBackupRestoreSpec;
import com.flowviz.dr.activities.physical.BaseBackupRestored;
import com.flowviz.dr.activities.physical.BaseBackupSpec;
import com.flowviz.dr.activities.physical.BaseBackupTaken;
import com.flowviz.dr.activities.physical.PointInTimeActivities;
import com.flowviz.dr.activities.physical.RecoveryChoice;
import com.flowviz.dr.activities.physical.RecoveryChoiceSpec;
import com.flowviz.dr.activities.physical.RecoveryReached;
import com.flowviz.dr.activities.physical.RecoverySpec;
import com.flowviz.dr.activities.physical.RecoveryTarget;
import com.flowviz.dr.activities.physical.basebackup.ArchivingPostgres;
import com.flowviz.dr.activities.physical.basebackup.BaseBackupActivitiesImpl;
import com.flowviz.dr.activities.physical.retention.ArchiveRetention;
import com.flowviz.dr.activities.physical.wal.ClusterIdentity;
import com.flowviz.dr.activities.physical.wal.WalPush;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.postgres.ServerRegistry;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.ForwardingBackupStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.storage.StoredObject;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Point-in-time recovery from the physical archive, on a real cluster: rows committed one by one
 * after a base backup, their commit times read back from the server (track_commit_timestamp), the
 * WAL archived into S3 by the real push; then a recovery to the commit time of one row finds
 * exactly the rows committed up to it (inclusive) or before it (exclusive), and one to "latest"
 * after the primary is stopped holds every row whose WAL was archived and loses only those whose
 * segment never was.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PointInTimeRecoveryTest {

  private static final String BACKUP_KEY = "backup@flowviz.com";
  private static final String BACKUP_PASSPHRASE = "backup passphrase";
  private static final String SIGNER = "signing@flowviz.com";
  private static final String SIGNING_PASSPHRASE = "signing passphrase";
  private static final int ROWS_BEFORE_BACKUP = 5;
  private static final int ROWS_AFTER_BACKUP = 30;

  private static ArchivingPostgres pg;
  private static GpgHome gpg;
  private static Path keys;
  private static Path instances;
  private static S3Client s3;
  private static String bucket;
  private static String system;
  private static BaseBackupTaken backup;
  private static BackupStore signing;
  private static ServerRegistry registry;
  private static BaseBackupActivitiesImpl baseBackups;

  /** Commit time of each row id, as the server recorded it. */
  private static final Map<Integer, Instant> committedAt = new LinkedHashMap<>();

  private static final List<TestActivityEnvironment> environments = new ArrayList<>();
  private static final List<String> made = new ArrayList<>();

  @BeforeAll
  static void archiveRowsCommittedOneByOne() throws Exception {
    gpg = GpgHome.create();
    gpg.generateKey(BACKUP_KEY, GpgHome.KeyType.RSA, BACKUP_PASSPHRASE);
    gpg.generateKey(SIGNER, GpgHome.KeyType.CURVE25519, SIGNING_PASSPHRASE);
    keys = Files.createTempDirectory("flowviz-dr-pitr-keys");
    Files.write(keys.resolve("backup.pub.asc"), gpg.exportPublicKey(BACKUP_KEY, true));
    Files.write(
        keys.resolve("backup.sec.asc"), gpg.exportSecretKey(BACKUP_KEY, BACKUP_PASSPHRASE, true));
    Files.writeString(keys.resolve("passphrase"), BACKUP_PASSPHRASE);
    Files.write(keys.resolve("signing.pub.asc"), gpg.exportPublicKey(SIGNER, true));
    LocalSecretStore secrets = new LocalSecretStore(keys.resolve("secrets"));
    secrets.write(
        BackupSigningKey.DEFAULT_KEY_SECRET,
        new String(
            gpg.exportSecretKey(SIGNER, SIGNING_PASSPHRASE, true), StandardCharsets.US_ASCII));
    secrets.write(BackupSigningKey.DEFAULT_PASSPHRASE_SECRET, SIGNING_PASSPHRASE);
    instances = Files.createTempDirectory(Path.of("/tmp"), "flowviz-dr-pitr-instances-");
    Files.setPosixFilePermissions(instances, PosixFilePermissions.fromString("rwxr-xr-x"));

    pg =
        ArchivingPostgres.start(
            "pitr",
            p -> {
              Map<String, String> settings = ArchivingPostgres.archiving(p.archive());
              settings.put("track_commit_timestamp", "on");
              return settings;
            });
    system = ClusterIdentity.of(pg.dataDirectory());
    pg.execute("postgres", "CREATE TABLE events (id int PRIMARY KEY, note text NOT NULL)");
    for (int id = 1; id <= ROWS_BEFORE_BACKUP; id++) {
      pg.execute("postgres", "INSERT INTO events VALUES (" + id + ", 'before the backup')");
    }

    s3 = TestMoto.s3();
    bucket = TestMoto.newBucket(s3, "pitr");
    BackupStore plain = new S3BackupStore(s3, 5 * 1024 * 1024);
    signing =
        new SigningBackupStore(
            plain,
            new BackupSigningKey(
                secrets,
                BackupSigningKey.DEFAULT_KEY_SECRET,
                BackupSigningKey.DEFAULT_PASSPHRASE_SECRET));
    registry = new ServerRegistry(pg.settings(), secrets, n -> Optional.empty());
    baseBackups =
        new BaseBackupActivitiesImpl(
            new PgServers(pg.client(), secrets, registry),
            PgBinaries.locate(null),
            signing,
            new RecipientKeys(keys.resolve("backup.pub.asc")),
            new ArchiveRetention(plain, TrustedSigners.none()),
            BaseBackupActivitiesImpl.DEFAULT_ARCHIVE_WAIT_LIMIT,
            BaseBackupCompression.ZSTD);
    backup = takeBaseBackup();

    // One row per transaction, a few milliseconds apart: every commit has its own time.
    for (int id = ROWS_BEFORE_BACKUP + 1; id <= ROWS_BEFORE_BACKUP + ROWS_AFTER_BACKUP; id++) {
      pg.execute("postgres", "INSERT INTO events VALUES (" + id + ", 'after the backup')");
      Thread.sleep(15);
    }
    for (List<String> row :
        rows(
            pg.client(),
            "SELECT id, to_char(pg_xact_commit_timestamp(xmin) AT TIME ZONE 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM events WHERE id > "
                + ROWS_BEFORE_BACKUP
                + " ORDER BY id")) {
      committedAt.put(Integer.parseInt(row.get(0)), Instant.parse(row.get(1)));
    }
    String switched = pg.query("postgres", "SELECT pg_walfile_name(pg_switch_wal())").get(0);
    pg.awaitArchived(switched);
    pushArchive();
  }

  @AfterAll
  static void stop() throws Exception {
    environments.forEach(TestActivityEnvironment::close);
    for (String name : made) {
      LocalPostgresCluster.existing(instances.resolve(name), PgBinaries.locate(null)).stop();
    }
    if (pg != null) {
      pg.close();
    }
    gpg.close();
    for (Path dir : List.of(keys, instances)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void recoveryToACommitTimeInclusiveKeepsExactlyTheRowsCommittedUpToIt() throws Exception {
    int chosen = ROWS_BEFORE_BACKUP + 15;
    RecoveryReached reached =
        recover("pitr-inclusive", RecoveryTarget.at(committedAt.get(chosen), true));

    PgClient restored = client(reached);
    assertEquals(
        List.of(List.of(String.valueOf(chosen), String.valueOf(chosen))),
        rows(restored, "SELECT count(*), max(id) FROM events"));
    assertEquals("f", rows(restored, "SELECT pg_is_in_recovery()").get(0).get(0));
    assertEquals("off", rows(restored, "SHOW archive_mode").get(0).get(0));
    assertEquals(2, reached.timeline(), "promoted onto a new timeline");
    // PostgreSQL stops before the first commit after the target (inclusive: later than it).
    assertTrue(
        stopTime(reached).isAfter(committedAt.get(chosen)),
        reached.stoppedAt() + " is after " + committedAt.get(chosen));
    assertEquals(committedAt.get(chosen + 1), stopTime(reached), reached.stoppedAt());
    // The download reports its bytes of the whole object, for watch and the UI (the SDK passes on
    // the first heartbeat at once and throttles the rest, so the test sees the first).
    StepProgress download =
        heartbeats.stream()
            .filter(h -> h.unit().equals("bytes"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no download progress: " + heartbeats));
    assertTrue(download.done() > 0 && download.done() <= download.total(), download.toString());
    assertTrue(
        download.total() > 0 && download.detail().contains("WAL files spooled"),
        download.toString());
  }

  @Test
  @Order(2)
  void recoveryToACommitTimeExclusiveStopsJustBeforeThatCommit() throws Exception {
    int chosen = ROWS_BEFORE_BACKUP + 15;
    RecoveryReached reached =
        recover("pitr-exclusive", RecoveryTarget.at(committedAt.get(chosen), false));

    assertEquals(
        List.of(List.of(String.valueOf(chosen - 1), String.valueOf(chosen - 1))),
        rows(client(reached), "SELECT count(*), max(id) FROM events"));
    // Exclusive: before the first commit at or after the target, the chosen row's own.
    assertEquals(committedAt.get(chosen), stopTime(reached), reached.stoppedAt());
  }

  @Test
  @Order(3)
  void aTargetOutsideTheArchiveIsRefusedNamingBothBoundsAndNothingIsMade() {
    Instant beforeBackup = backup.manifest().startTime().minusSeconds(60);
    ApplicationFailure early =
        refused(() -> pitr().chooseBaseBackup(choice(RecoveryTarget.at(beforeBackup, true))));
    assertTrue(
        early.getOriginalMessage().contains("is before the oldest base backup's end"),
        early.getOriginalMessage());
    assertTrue(
        early.getOriginalMessage().contains(backup.manifest().stopTime().toString()),
        early.getOriginalMessage());
    assertTrue(
        early.getOriginalMessage().contains(backup.manifest().backupId()),
        early.getOriginalMessage());

    Instant future = Instant.now().plus(Duration.ofHours(1));
    ApplicationFailure late =
        refused(() -> pitr().chooseBaseBackup(choice(RecoveryTarget.at(future, true))));
    assertTrue(
        late.getOriginalMessage().contains("is after the newest archived WAL"),
        late.getOriginalMessage());
    assertTrue(
        late.getOriginalMessage().contains(backup.manifest().stopTime().toString()),
        late.getOriginalMessage());
    assertTrue(late.isNonRetryable());
  }

  /**
   * The outage: rows committed after the last archived segment, then the primary stopped. A
   * recovery to "latest" holds every row whose WAL reached the archive and none of the others.
   */
  /** Run again, as after a worker died once it had finished: it reports, and changes nothing. */
  @Test
  @Order(4)
  void recoverAndRestoreRunAgainOnARecoveredInstanceReportTheSameAndChangeNothing()
      throws Exception {
    int chosen = ROWS_BEFORE_BACKUP + 15;
    RecoveryTarget target = RecoveryTarget.at(committedAt.get(chosen), true);
    PointInTimeActivities activities = pitr();
    RecoveryReached again =
        activities.recover(
            RecoverySpec.builder().instance("pitr-inclusive").target(target).build());
    assertEquals(2, again.timeline());
    assertEquals("in production", again.clusterState());
    assertEquals(
        List.of(List.of(String.valueOf(chosen))),
        rows(client(again), "SELECT count(*) FROM events"));
    RecoveryChoice choice = activities.chooseBaseBackup(choice(target));
    BaseBackupRestored restored =
        activities.restoreBaseBackup(restoreSpec("pitr-inclusive", choice));
    assertEquals(
        filesInManifest(instances.resolve("pitr-inclusive").resolve("data")) + 1,
        restored.filesChecked(),
        "the recorded restore: every file and the backup_manifest checked as they streamed");
  }

  /**
   * What a worker killed mid-download leaves (a half-written staging directory, a partial spool) is
   * removed by the retry, which restores the whole backup.
   */
  @Test
  @Order(5)
  void aRetryAfterAKilledDownloadStartsCleanAndRecovers() throws Exception {
    Path home = instances.resolve("pitr-killed");
    Files.createDirectories(home.resolve(PointInTimeActivitiesImpl.STAGING).resolve("base/1"));
    Files.writeString(
        home.resolve(PointInTimeActivitiesImpl.STAGING).resolve("base/1/1259"), "half");
    Files.writeString(
        home.resolve(com.flowviz.dr.activities.provision.local.LocalProvisioner.MARK),
        "pitr-killed\n");
    Files.writeString(
        home.resolve("instance.port"), Integer.toString(LocalPostgresCluster.freePort()));
    int chosen = ROWS_BEFORE_BACKUP + 3;
    RecoveryReached reached =
        recover("pitr-killed", RecoveryTarget.at(committedAt.get(chosen), true));
    assertEquals(
        List.of(List.of(String.valueOf(chosen))),
        rows(client(reached), "SELECT count(*) FROM events"));
    assertTrue(!Files.exists(home.resolve(PointInTimeActivitiesImpl.STAGING)), "staging renamed");
  }

  /**
   * The worker gone while the server replays WAL: the server keeps recovering on its own, and the
   * retry (a new worker) picks it up where it is, without a second start or a second restore, and
   * reaches the same point. Replay is held by the server's own recovery_min_apply_delay (every
   * commit waits), so the first attempt is deterministically caught mid-replay; then its thread is
   * interrupted, as a worker's shutdown (SIGTERM) does, which must neither stop the server (even
   * while pg_ctl still waits for its start) nor fail the recovery for good; the delay is lifted
   * with ALTER SYSTEM and the retry run.
   */
  @Test
  @Order(5)
  void aWorkerGoneDuringReplayLeavesTheServerRecoveringAndTheRetryFinishesIt() throws Exception {
    String instance = "pitr-replay-gone";
    made.add(instance);
    int chosen = ROWS_BEFORE_BACKUP + 4;
    RecoveryTarget target = RecoveryTarget.at(committedAt.get(chosen), true);
    PointInTimeActivitiesImpl first = pitrImpl();
    RecoveryChoice choice = first.chooseBaseBackup(choice(target));
    first.restoreBaseBackup(restoreSpec(instance, choice));
    Path home = instances.resolve(instance);
    Files.writeString(
        home.resolve("data").resolve("postgresql.auto.conf"),
        "recovery_min_apply_delay = '1d'\n",
        java.nio.file.StandardOpenOption.APPEND);
    RecoverySpec spec = RecoverySpec.builder().instance(instance).target(target).build();
    var worker = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      Thread[] attemptThread = new Thread[1];
      var attempt =
          worker.submit(
              () -> {
                attemptThread[0] = Thread.currentThread();
                return first.recover(spec);
              });
      int port = Integer.parseInt(Files.readString(home.resolve("instance.port")).strip());
      PgClient recovering =
          new PgClient(
              new PgConnectionSettings(
                  "127.0.0.1", port, ArchivingPostgres.SUPERUSER, pg.password(), null));
      // Consistent, accepting read-only connections, and held at a commit: mid-replay. pg_ctl's
      // wait for the start may or may not have ended: either way the worker's stop must not end
      // the server.
      awaitRows(recovering, "SELECT pg_is_in_recovery()", "t", attempt);
      attemptThread[0].interrupt(); // what a worker's shutdown does to its activities' threads
      var ended = assertThrows(java.util.concurrent.ExecutionException.class, attempt::get);
      assertFalse(
          ended.getCause() instanceof ApplicationFailure failure && failure.isNonRetryable(),
          "a worker stopping is no verdict on the recovery: " + ended.getCause());
      worker.shutdown();
      assertTrue(
          worker.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS),
          "the attempt's thread ended");
      assertEquals(
          List.of(List.of("t")),
          rows(recovering, "SELECT pg_is_in_recovery()"),
          "the server recovers on without the worker");
      try (Connection c = recovering.connect("postgres");
          Statement lift = c.createStatement()) {
        lift.execute("ALTER SYSTEM SET recovery_min_apply_delay = 0");
        lift.execute("SELECT pg_reload_conf()");
      }

      RecoveryReached reached = pitrImpl().recover(spec);
      assertEquals(2, reached.timeline());
      assertEquals("in production", reached.clusterState());
      assertEquals(
          List.of(List.of(String.valueOf(chosen))),
          rows(client(reached), "SELECT count(*) FROM events"));
      String log = Files.readString(home.resolve("server.log"));
      assertEquals(
          1,
          log.split("starting PostgreSQL", -1).length - 1,
          "the retry found the server running and did not start it again");
    } finally {
      worker.shutdownNow();
    }
  }

  /**
   * A WAL object whose recorded digest was altered after archiving: the restore refuses it, naming
   * it, and leaves no data directory; a manifest copied under another system identifier is refused
   * before anything is restored.
   */
  @Test
  @Order(6)
  void aTamperedSegmentOrAForeignManifestIsRefusedAndNothingIsStarted() throws Exception {
    String first = backup.manifest().startWalFile();
    String key = com.flowviz.dr.activities.physical.PhysicalArchiveLayout.walKey(system, first);
    var original = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
    Map<String, String> metadata = new LinkedHashMap<>(original.response().metadata());
    Map<String, String> tampered = new LinkedHashMap<>(metadata);
    tampered.put("flowviz-sha256", "0".repeat(64));
    s3.putObject(
        b -> b.bucket(bucket).key(key).metadata(tampered),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(original.asByteArray()));
    try {
      PointInTimeActivities activities = pitr();
      RecoveryChoice choice = activities.chooseBaseBackup(choice(RecoveryTarget.latest()));
      ApplicationFailure refused =
          refused(() -> activities.restoreBaseBackup(restoreSpec("pitr-tampered", choice)));
      assertTrue(refused.getOriginalMessage().contains(first), refused.getOriginalMessage());
      assertEquals("BackupIntegrityFailed", refused.getType());
      assertTrue(
          !Files.exists(instances.resolve("pitr-tampered").resolve("data")), "no data directory");
      assertTrue(
          !Files.exists(
              instances.resolve("pitr-tampered").resolve(PointInTimeActivitiesImpl.STAGING)),
          "staging removed");
      assertFalse(
          Files.exists(instances.resolve("pitr-tampered").resolve(InstanceClaim.OWNER)),
          "refused before anything usable was made: the name is free for the next recovery");
    } finally {
      s3.putObject(
          b -> b.bucket(bucket).key(key).metadata(metadata),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(original.asByteArray()));
    }

    String foreign = "7000000000000000001";
    String foreignPrefix =
        com.flowviz.dr.activities.physical.PhysicalArchiveLayout.backupPrefix(
            foreign, backup.manifest().backupId());
    for (String file : List.of("flowviz-manifest.json", "flowviz-manifest.json.sig")) {
      s3.copyObject(
          b ->
              b.sourceBucket(bucket)
                  .sourceKey(backup.prefix() + file)
                  .destinationBucket(bucket)
                  .destinationKey(foreignPrefix + file));
    }
    try {
      ApplicationFailure other =
          refused(
              () ->
                  pitr()
                      .chooseBaseBackup(
                          RecoveryChoiceSpec.builder()
                              .bucket(bucket)
                              .systemIdentifier(foreign)
                              .target(RecoveryTarget.latest())
                              .build()));
      assertTrue(
          other.getOriginalMessage().contains("names system " + system + ", not " + foreign),
          other.getOriginalMessage());
      ApplicationFailure ambiguous =
          refused(() -> pitr().chooseBaseBackup(choice(RecoveryTarget.latest())));
      assertTrue(
          ambiguous.getOriginalMessage().contains("several clusters"),
          ambiguous.getOriginalMessage());
    } finally {
      for (String file : List.of("flowviz-manifest.json", "flowviz-manifest.json.sig")) {
        s3.deleteObject(b -> b.bucket(bucket).key(foreignPrefix + file));
      }
    }
  }

  /**
   * A base backup whose stored bytes were altered (one byte, mid-object, its recorded digests
   * untouched) is refused as damaged, not retried as a broken download: what the decryption hands
   * on no longer decompresses, or a file's checksum no longer matches the signed backup_manifest.
   * Nothing is left: no data directory, no staging, the name free.
   */
  @Test
  @Order(6)
  void aBaseBackupAlteredInStorageIsRefusedAsDamagedAndNothingIsLeft() throws Exception {
    RecoveryChoice choice = pitr().chooseBaseBackup(choice(RecoveryTarget.latest()));
    String dataKey =
        choice.backupPrefix()
            + BaseBackupCompression.named(choice.manifest().compression()).dataFile();
    var original = s3.getObjectAsBytes(b -> b.bucket(bucket).key(dataKey));
    byte[] altered = original.asByteArray().clone();
    altered[altered.length / 2] ^= 0x5a;
    s3.putObject(
        b -> b.bucket(bucket).key(dataKey).metadata(original.response().metadata()),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(altered));
    try {
      ApplicationFailure refused =
          refused(() -> pitr().restoreBaseBackup(restoreSpec("pitr-altered", choice)));
      assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, refused.getType(), refused.toString());
      assertTrue(refused.isNonRetryable(), "damage does not heal: " + refused);
      assertTrue(
          refused.getOriginalMessage().contains(dataKey)
              && refused.getOriginalMessage().contains("Nothing was started"),
          refused.getOriginalMessage());
      Path home = instances.resolve("pitr-altered");
      assertFalse(Files.exists(home.resolve("data")), "no data directory");
      assertFalse(Files.exists(home.resolve(PointInTimeActivitiesImpl.STAGING)), "staging removed");
      assertFalse(Files.exists(home.resolve(InstanceClaim.OWNER)), "the name is free");
    } finally {
      s3.putObject(
          b -> b.bucket(bucket).key(dataKey).metadata(original.response().metadata()),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(original.asByteArray()));
    }

    // The backup_manifest beside it, whose per-file checksums the extraction holds each file to:
    // one replaced is refused before anything is downloaded or made.
    String pgManifestKey = choice.backupPrefix() + "backup_manifest";
    var manifestObject = s3.getObjectAsBytes(b -> b.bucket(bucket).key(pgManifestKey));
    String replaced =
        manifestObject.asUtf8String().replaceFirst("\"Size\": ([0-9]+)", "\"Size\": 1$1");
    s3.putObject(
        b -> b.bucket(bucket).key(pgManifestKey).metadata(manifestObject.response().metadata()),
        software.amazon.awssdk.core.sync.RequestBody.fromString(replaced));
    try {
      ApplicationFailure refused =
          refused(() -> pitr().restoreBaseBackup(restoreSpec("pitr-altered-manifest", choice)));
      assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, refused.getType(), refused.toString());
      assertTrue(refused.isNonRetryable(), refused.toString());
      assertTrue(
          refused.getOriginalMessage().contains(pgManifestKey)
              && refused.getOriginalMessage().contains("is not the backup_manifest"),
          refused.getOriginalMessage());
      Path home = instances.resolve("pitr-altered-manifest");
      assertFalse(Files.exists(home.resolve("data")), "no data directory");
      assertFalse(Files.exists(home.resolve(PointInTimeActivitiesImpl.STAGING)), "no staging");
      assertFalse(Files.exists(home.resolve(InstanceClaim.OWNER)), "the name is free");
    } finally {
      s3.putObject(
          b -> b.bucket(bucket).key(pgManifestKey).metadata(manifestObject.response().metadata()),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(manifestObject.asByteArray()));
    }
  }

  /**
   * A base backup another major version wrote is refused before anything is downloaded or made: a
   * physical copy starts only on its own major version.
   */
  @Test
  @Order(6)
  void aBaseBackupOfAnotherMajorVersionIsRefusedBeforeAnythingIsMade() {
    RecoveryChoice choice = pitr().chooseBaseBackup(choice(RecoveryTarget.latest()));
    RecoveryChoice fromSixteen =
        choice.toBuilder()
            .manifest(choice.manifest().toBuilder().serverVersion("16.4").build())
            .build();
    ApplicationFailure refused =
        refused(() -> pitr().restoreBaseBackup(restoreSpec("pitr-sixteen", fromSixteen)));
    assertEquals(FailureTypes.PG_VERSION_MISMATCH, refused.getType());
    assertTrue(refused.isNonRetryable());
    assertTrue(
        refused
            .getOriginalMessage()
            .contains("is of PostgreSQL 16.4, and this host's server is" + " PostgreSQL 15"),
        refused.getOriginalMessage());
    assertFalse(Files.exists(instances.resolve("pitr-sixteen")), "nothing was made");
  }

  /**
   * A connection that breaks off mid-download (the network, not the data) fails the attempt so that
   * it is retried, never as a damaged backup; the next attempt extracts the whole backup.
   */
  @Test
  @Order(6)
  void aDownloadCutOffMidwayIsRetriedNotCalledTampered() throws Exception {
    RecoveryChoice choice = pitr().chooseBaseBackup(choice(RecoveryTarget.latest()));
    BackupStore plain = new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE);
    BackupStore cutOff =
        new ForwardingBackupStore(plain) {
          @Override
          public InputStream read(String bucket, String key, long offset, String etag)
              throws IOException {
            return new CutAfter(delegate().read(bucket, key, offset, etag), 64 * 1024);
          }
        };
    String dataKey =
        choice.backupPrefix()
            + BaseBackupCompression.named(choice.manifest().compression()).dataFile();
    StoredObject data = plain.head(bucket, dataKey).orElseThrow();
    FilePrivateKeySource key =
        new FilePrivateKeySource(keys.resolve("backup.sec.asc"), keys.resolve("passphrase"));
    Path cutDirectory = Files.createTempDirectory(instances, "cut-");
    Exception cut =
        assertThrows(
            Exception.class,
            () ->
                new BaseBackupExtractor(cutOff, key)
                    .extract(
                        bucket,
                        data,
                        choice.manifest(),
                        cutDirectory,
                        List.of("tar", "-x", "-f", "-"),
                        null,
                        n -> {}));
    assertFalse(
        cut instanceof ApplicationFailure, "a broken download is no verdict on the backup: " + cut);

    Path whole = Files.createTempDirectory(instances, "whole-");
    BaseBackupExtractor.Extracted extracted =
        new BaseBackupExtractor(plain, key)
            .extract(
                bucket,
                data,
                choice.manifest(),
                whole,
                List.of("tar", "-x", "-f", "-"),
                null,
                n -> {});
    assertEquals(choice.manifest().tarSha256(), extracted.tarSha256());
    assertTrue(Files.isRegularFile(whole.resolve("PG_VERSION")));
  }

  /** A stream that fails as a reset connection does, after so many bytes. */
  private static final class CutAfter extends FilterInputStream {
    private long left;

    CutAfter(InputStream in, long bytes) {
      super(in);
      left = bytes;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        throw new java.net.SocketException("Connection reset");
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }

  /**
   * A segment gone from the archive while later ones are there: recovery to a time past it stops at
   * the gap, and the failure names the first missing segment, in PostgreSQL's words and ours.
   */
  @Test
  @Order(7)
  void aGapInTheWalStopsRecoveryAndTheFailureNamesTheFirstMissingSegment() throws Exception {
    pg.execute("postgres", "CREATE TABLE marks (i int)");
    List<String> switched = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pg.execute("postgres", "INSERT INTO marks VALUES (" + i + ")");
      switched.add(pg.query("postgres", "SELECT pg_walfile_name(pg_switch_wal())").get(0));
    }
    pg.awaitArchived(switched.get(2));
    pushArchive();
    Instant lastMark =
        Instant.parse(
            rows(
                    pg.client(),
                    "SELECT to_char(max(pg_xact_commit_timestamp(xmin)) AT TIME ZONE 'UTC',"
                        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM marks")
                .get(0)
                .get(0));
    String missing = switched.get(1);
    String key = com.flowviz.dr.activities.physical.PhysicalArchiveLayout.walKey(system, missing);
    var original = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
    s3.deleteObject(b -> b.bucket(bucket).key(key));
    try {
      made.add("pitr-gap");
      PointInTimeActivities activities = pitr();
      RecoveryTarget target = RecoveryTarget.at(lastMark, true);
      RecoveryChoice choice = activities.chooseBaseBackup(choice(target));
      activities.restoreBaseBackup(restoreSpec("pitr-gap", choice));
      ApplicationFailure stopped =
          refused(
              () ->
                  activities.recover(
                      RecoverySpec.builder().instance("pitr-gap").target(target).build()));
      assertTrue(
          stopped.getOriginalMessage().contains("recovery ended before configured recovery target"),
          stopped.getOriginalMessage());
      assertTrue(
          stopped.getOriginalMessage().contains("gap: " + missing + " is missing"),
          stopped.getOriginalMessage());
    } finally {
      s3.putObject(
          b -> b.bucket(bucket).key(key).metadata(original.response().metadata()),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(original.asByteArray()));
    }
  }

  @Test
  @Order(8)
  void recoveryToLatestAfterThePrimaryStopsLosesOnlyTheRowsWhoseWalWasNotArchived()
      throws Exception {
    int first = ROWS_BEFORE_BACKUP + ROWS_AFTER_BACKUP + 1;
    for (int id = first; id < first + 10; id++) {
      pg.execute("postgres", "INSERT INTO events VALUES (" + id + ", 'not yet archived')");
    }
    // The crash, not a clean shutdown: a clean one switches to a new segment and archives the
    // last one, losing nothing. pg_ctl stop -m immediate ends every server process at once.
    crashPrimary();
    pushArchive(); // whatever the archiver still managed before the server went

    RecoveryReached reached = recover("pitr-latest", RecoveryTarget.latest());

    int archivedRows = ROWS_BEFORE_BACKUP + ROWS_AFTER_BACKUP;
    List<List<String>> counts = rows(client(reached), "SELECT count(*), max(id) FROM events");
    assertEquals(
        List.of(List.of(String.valueOf(archivedRows), String.valueOf(archivedRows))),
        counts,
        "every row archived before the stop, none of the 10 only in the stopped server's pg_wal");
  }

  // ---- the procedure's steps, as the workflow runs them ----

  /**
   * A failover, then the old primary back (split brain): the instance recovered to "latest" above
   * is the new primary on timeline 2 and its WAL is archived; the old primary starts again, goes on
   * writing on timeline 1 and is archived too, and a base backup is even taken of it. Recovery
   * follows the newest timeline's history: the old primary's base backup (on the abandoned branch)
   * is not chosen, its WAL after the fork is not replayed and the choice says so, and a target
   * after the new primary's newest WAL is refused naming what was left out.
   */
  @Test
  @Order(9)
  void afterAFailoverRecoveryFollowsTheNewTimelineNotTheOldPrimarysLaterWal() throws Exception {
    Path failedOver = instances.resolve("pitr-latest");
    int port = Integer.parseInt(Files.readString(failedOver.resolve("instance.port")).strip());
    PgClient newPrimary =
        new PgClient(
            new PgConnectionSettings(
                "127.0.0.1", port, ArchivingPostgres.SUPERUSER, pg.password(), null));
    int archivedRows = ROWS_BEFORE_BACKUP + ROWS_AFTER_BACKUP;
    try (Connection c = newPrimary.connect("postgres");
        Statement s = c.createStatement()) {
      for (int id = 100; id < 105; id++) {
        s.execute("INSERT INTO events VALUES (" + id + ", 'on the new primary')");
      }
    }
    // The segment pg_switch_wal completed (pg_walfile_name of its end names it).
    String completed = rows(newPrimary, "SELECT pg_walfile_name(pg_switch_wal())").get(0).get(0);
    // What the new primary's archiver would send: its history file and its completed segments.
    WalPush push = new WalPush(signing, bucket, new RecipientKeys(keys.resolve("backup.pub.asc")));
    Path newWal = failedOver.resolve("data").resolve("pg_wal");
    try (Stream<Path> files = Files.list(newWal)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.equals("00000002.history")
            || (name.startsWith("00000002")
                && name.length() == 24
                && name.compareTo(completed) <= 0)) {
          push.push(file, name, system);
        }
      }
    }

    // The old primary, back: it never learnt of the failover and writes on, on timeline 1.
    Thread.sleep(2000); // S3 keeps LastModified to the second: its WAL archived visibly later
    pg.startAgain();
    for (int id = 1000; id < 1005; id++) {
      pg.execute("postgres", "INSERT INTO events VALUES (" + id + ", 'split brain')");
    }
    String oldSegment = pg.query("postgres", "SELECT pg_walfile_name(pg_switch_wal())").get(0);
    pg.awaitArchived(oldSegment);
    BaseBackupTaken onTheOldBranch = takeBaseBackup();
    pushArchive();

    PointInTimeActivities activities = pitr();
    RecoveryChoice choice = activities.chooseBaseBackup(choice(RecoveryTarget.latest()));
    assertEquals(
        backup.prefix(),
        choice.backupPrefix(),
        "not " + onTheOldBranch.prefix() + ", a base backup of the branch timeline 2 left");
    assertTrue(
        choice.timelineHistory().contains("timeline 1 until ")
            && choice.timelineHistory().contains("then timeline 2")
            && choice.timelineHistory().contains("not replayed (00000001"),
        choice.timelineHistory());
    assertTrue(choice.newestWalFile().startsWith("00000002"), choice.toString());

    RecoveryReached reached = recover("pitr-after-failover", RecoveryTarget.latest());
    assertEquals(3, reached.timeline(), "a new timeline after 2");
    assertEquals(
        List.of(List.of(String.valueOf(archivedRows + 5), "0")),
        rows(
            client(reached),
            "SELECT count(*), count(*) FILTER (WHERE note = 'split brain') FROM events"),
        "every row of the new primary, none the old one wrote after the failover");

    ApplicationFailure late =
        refused(
            () ->
                pitr()
                    .chooseBaseBackup(
                        choice(
                            RecoveryTarget.at(choice.newestWalArchivedAt().plusSeconds(2), true))));
    assertEquals("InvalidInput", late.getType());
    assertTrue(
        late.getOriginalMessage().contains("is after the newest archived WAL")
            && late.getOriginalMessage().contains("not replayed"),
        late.getOriginalMessage());
  }

  /** Every heartbeat of the recoveries so far: each long step reports done of total. */
  private static final List<StepProgress> heartbeats = new CopyOnWriteArrayList<>();

  private RecoveryReached recover(String instance, RecoveryTarget target) throws IOException {
    made.add(instance);
    PointInTimeActivities activities = pitr();
    RecoveryChoice choice = activities.chooseBaseBackup(choice(target));
    assertEquals(backup.prefix(), choice.backupPrefix());
    BaseBackupRestored restored = activities.restoreBaseBackup(restoreSpec(instance, choice));
    // Each file's CRC32C (what pg_basebackup recorded: real PostgreSQL output, so this also pins
    // the
    // byte order) matched the signed backup_manifest as it streamed (and the manifest
    // itself), so pg_verifybackup checked the rest without reading every byte back.
    assertEquals(
        filesInManifest(instances.resolve(instance).resolve("data")) + 1,
        restored.filesChecked(),
        restored.toString());
    assertTrue(restored.verifyBackup().contains("-s: every file's checksum"), restored.toString());
    assertEquals(null, restored.tarSha256(), "no second digest of the whole tar");
    assertTrue(restored.walFilesSpooled() >= 2, "the backup's WAL and what followed: " + restored);
    return activities.recover(RecoverySpec.builder().instance(instance).target(target).build());
  }

  private static int filesInManifest(Path data) throws IOException {
    return com.flowviz.dr.activities.json.Json.MAPPER
        .readTree(data.resolve("backup_manifest").toFile())
        .path("Files")
        .size();
  }

  private static BaseBackupRestoreSpec restoreSpec(String instance, RecoveryChoice choice) {
    return BaseBackupRestoreSpec.builder()
        .bucket(bucket)
        .instance(instance)
        .backupPrefix(choice.backupPrefix())
        .manifest(choice.manifest())
        .build();
  }

  private static RecoveryChoiceSpec choice(RecoveryTarget target) {
    return RecoveryChoiceSpec.builder().bucket(bucket).target(target).build();
  }

  private static PointInTimeActivities pitr() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    environments.add(env);
    env.registerActivitiesImplementations(
        new PointInTimeActivitiesImpl(
            new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE),
            TrustedSigners.keyFile(keys.resolve("signing.pub.asc")),
            new FilePrivateKeySource(keys.resolve("backup.sec.asc"), keys.resolve("passphrase")),
            PgBinaries.locate(null),
            instances,
            registry));
    env.setActivityHeartbeatListener(StepProgress.class, heartbeats::add);
    return TestActivities.stub(env, PointInTimeActivities.class);
  }

  private static BaseBackupTaken takeBaseBackup() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    environments.add(env);
    env.registerActivitiesImplementations(baseBackups);
    return TestActivities.stub(env, BaseBackupActivities.class)
        .takeBaseBackup(
            BaseBackupSpec.builder()
                .server(ServerRegistry.PRODUCTION)
                .bucket(bucket)
                .systemIdentifier(system)
                .storageClass("STANDARD")
                .build());
  }

  /** The implementation itself, for a call on a thread of the test's own (one it can interrupt). */
  private static PointInTimeActivitiesImpl pitrImpl() {
    return new PointInTimeActivitiesImpl(
        new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE),
        TrustedSigners.keyFile(keys.resolve("signing.pub.asc")),
        new FilePrivateKeySource(keys.resolve("backup.sec.asc"), keys.resolve("passphrase")),
        PgBinaries.locate(null),
        instances,
        registry);
  }

  /** Polls a query until it answers {@code expected}; fails at once if the attempt ended first. */
  private static void awaitRows(
      PgClient client, String sql, String expected, java.util.concurrent.Future<?> attempt)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      if (attempt.isDone()) {
        attempt.get(); // its failure, or:
        throw new AssertionError("the first attempt returned before it could be caught mid-replay");
      }
      try {
        if (rows(client, sql).equals(List.of(List.of(expected)))) {
          return;
        }
      } catch (java.sql.SQLException notYet) {
        // not accepting connections yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError(sql + " never answered " + expected);
  }

  private static ApplicationFailure refused(Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    return (ApplicationFailure) failure.getCause();
  }

  /** Every file the server archived into its local directory, pushed to S3 by the real push. */
  private static void pushArchive() throws Exception {
    WalPush push = new WalPush(signing, bucket, new RecipientKeys(keys.resolve("backup.pub.asc")));
    try (Stream<Path> files = Files.list(pg.archive())) {
      for (Path file : files.sorted().toList()) {
        push.push(file, file.getFileName().toString(), system);
      }
    }
  }

  private static void crashPrimary() {
    ChildProcess.run(
        LocalPostgresCluster.asServerUser(
            List.of(
                PgBinaries.locate(null).program("pg_ctl"),
                "-D",
                pg.dataDirectory().toString(),
                "-m",
                "immediate",
                "stop")),
        Map.of(),
        Duration.ofMinutes(1),
        null);
  }

  /** The commit time in PostgreSQL's "recovery stopping before commit of transaction N, time T". */
  private static Instant stopTime(RecoveryReached reached) {
    String line = reached.stoppedAt();
    String time = line.substring(line.indexOf(", time ") + 7).strip();
    return java.time.OffsetDateTime.parse(time.replace(' ', 'T').replaceAll("\\+00$", "Z"))
        .toInstant();
  }

  /** The restored instance keeps the source's roles: the source's superuser and password. */
  private static PgClient client(RecoveryReached reached) {
    return new PgClient(
        new PgConnectionSettings(
            reached.host(), reached.port(), ArchivingPostgres.SUPERUSER, pg.password(), null));
  }

  private static List<List<String>> rows(PgClient client, String sql) throws Exception {
    try (Connection c = client.connect("postgres");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      List<List<String>> rows = new ArrayList<>();
      while (r.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
          row.add(r.getString(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }
}
