package com.flowviz.dr.activities.physical.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.physical.ArchiveExpiry;
import com.flowviz.dr.activities.physical.ArchiveExpirySpec;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.LocalDirectoryBackupStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.storage.StoredObject;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.S3FaultProxy;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A synthetic physical archive in moto_server, expired through the real SDK: five base backups over
 * a switch from timeline 1 to 2 (with its {@code 00000002.history}), a later branch on timeline 3,
 * killed attempts, another cluster's archive beside it, and what is left checked key by key.
 */
class ArchiveRetentionTest {

  private static final String SYSTEM = "7311820193456789012";
  private static final String OTHER_SYSTEM = "7000000000000000001";
  private static final DateTimeFormatter BACKUP_ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final S3Client s3 = TestMoto.s3();
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private String bucket;
  private BackupStore store;

  /** Every key written, so what is left can be compared with what should be. */
  private final Set<String> written = new TreeSet<>();

  @BeforeEach
  void setUp() {
    bucket = TestMoto.newBucket(s3, "physical");
    store = new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE);
  }

  /**
   * Timeline 1 runs segments 01..0A; timeline 2 starts at 08 (the promotion), runs to 10. Backups:
   * B1 (30 days old, start 1/02), B2 (20 d, 1/05), B3 (10 d, 2/09), B4 (3 d, 2/0C), B5 (1 d, 2/0E).
   */
  private void writeTwoTimelines() {
    for (int seg = 0x01; seg <= 0x0A; seg++) {
      wal(segment(1, seg));
    }
    wal("00000002.history");
    // What a standby promoted at 08 archives of its old timeline (archive_mode on).
    wal(segment(1, 0x08) + ".partial");
    for (int seg = 0x08; seg <= 0x10; seg++) {
      wal(segment(2, seg));
    }
    wal(segment(1, 0x02) + ".00000028.backup");
    wal(segment(1, 0x05) + ".00000060.backup");
    wal(segment(2, 0x09) + ".00000028.backup");
    // A branch made later from timeline 1 at segment 04 (a point-in-time restore that archives):
    // it cannot be placed without decrypting 00000003.history, so it stays.
    wal("00000003.history");
    wal(segment(3, 0x04));
    wal(segment(3, 0x05));
    // Nothing this layout writes: left alone.
    put(PhysicalArchiveLayout.walPrefix(SYSTEM) + "00000001/notes.txt", "operator's notes");

    backup(1, 0x02, now.minus(Duration.ofDays(30)));
    backup(1, 0x05, now.minus(Duration.ofDays(20)));
    backup(2, 0x09, now.minus(Duration.ofDays(10)));
    backup(2, 0x0C, now.minus(Duration.ofDays(3)));
    backup(2, 0x0E, now.minus(Duration.ofDays(1)));

    // Another cluster's old archive: another system identifier, never touched.
    put(PhysicalArchiveLayout.walKey(OTHER_SYSTEM, segment(1, 1)), "other");
    put(PhysicalArchiveLayout.backupPrefix(OTHER_SYSTEM, "20200101T000000Z") + "base.tar.gpg", "x");
  }

  @Test
  void keepsTheNewestAndTheYoungBackupsAndTheWalFromTheEarliestKeptStart() {
    writeTwoTimelines();

    ArchiveExpiry expiry = retention(now).expire(spec(2, Duration.ofDays(15)));

    String b1 = id(now.minus(Duration.ofDays(30)));
    String b2 = id(now.minus(Duration.ofDays(20)));
    String b3 = id(now.minus(Duration.ofDays(10)));
    String b4 = id(now.minus(Duration.ofDays(3)));
    String b5 = id(now.minus(Duration.ofDays(1)));
    assertEquals(List.of(b5, b4, b3), expiry.keptBackups(), "two newest, and B3 is 10 < 15 days");
    assertEquals(List.of(b1, b2), expiry.deletedBackups(), "oldest first");
    assertEquals(List.of(), expiry.deletedIncomplete());
    assertEquals(segment(2, 0x09), expiry.oldestKeptWalFile());

    Set<String> deleted = new TreeSet<>();
    deleted.addAll(backupKeys(b1));
    deleted.addAll(backupKeys(b2));
    for (int seg = 0x01; seg <= 0x08; seg++) {
      deleted.addAll(walKeys(segment(1, seg)));
    }
    deleted.addAll(walKeys(segment(2, 0x08)));
    deleted.addAll(walKeys(segment(1, 0x08) + ".partial"));
    deleted.addAll(walKeys(segment(1, 0x02) + ".00000028.backup"));
    deleted.addAll(walKeys(segment(1, 0x05) + ".00000060.backup"));
    assertEquals(8 + 1 + 1 + 2, expiry.deletedWalFiles(), "with 1/08's .partial");

    Set<String> expected = new TreeSet<>(written);
    expected.removeAll(deleted);
    assertEquals(expected, keys(), "exactly the expired backups and WAL are gone");
    Set<String> left = keys();
    assertTrue(left.containsAll(walKeys("00000002.history")));
    assertTrue(left.containsAll(walKeys(segment(1, 0x09))), "timeline 1 after the switch point");
    assertTrue(left.containsAll(walKeys(segment(2, 0x09) + ".00000028.backup")));
    assertTrue(left.containsAll(walKeys(segment(3, 0x04))), "a branch we cannot place stays");

    ArchiveExpiry again = retention(now).expire(spec(2, Duration.ofDays(15)));
    assertEquals(List.of(b5, b4, b3), again.keptBackups());
    assertEquals(List.of(), again.deletedBackups());
    assertEquals(0, again.deletedWalFiles());
    assertEquals(expected, keys(), "a second run deletes nothing more");
  }

  @Test
  void keepsBaseBackupsByCountWhenNoneIsYoungEnough() {
    writeTwoTimelines();

    ArchiveExpiry expiry = retention(now).expire(spec(1, Duration.ZERO));

    assertEquals(List.of(id(now.minus(Duration.ofDays(1)))), expiry.keptBackups());
    assertEquals(4, expiry.deletedBackups().size());
    assertEquals(segment(2, 0x0E), expiry.oldestKeptWalFile());
    Set<String> left = keys();
    assertFalse(left.contains(PhysicalArchiveLayout.walKey(SYSTEM, segment(2, 0x0D))));
    assertTrue(left.contains(PhysicalArchiveLayout.walKey(SYSTEM, segment(2, 0x0E))));
    assertTrue(left.contains(PhysicalArchiveLayout.walKey(SYSTEM, segment(2, 0x10))));
    assertTrue(left.contains(PhysicalArchiveLayout.walKey(SYSTEM, "00000002.history")));
    assertTrue(left.contains(PhysicalArchiveLayout.walKey(SYSTEM, "00000003.history")));
  }

  /**
   * Timeline 2 branched from 1 at segment 03 and has a backup at 2/08; the old timeline 1 kept
   * running (a server that was never fenced) and took a newer backup at 1/05. The older backup by
   * time is not the one whose WAL reaches back furthest: cutting at 08 would take 1/05..07.
   */
  @Test
  void aNewerBackupOnAnotherBranchThatStartsEarlierInTheWalKeepsItsWal() {
    for (int seg = 0x01; seg <= 0x0A; seg++) {
      wal(segment(1, seg));
    }
    wal("00000002.history");
    for (int seg = 0x03; seg <= 0x09; seg++) {
      wal(segment(2, seg));
    }
    backup(2, 0x08, now.minus(Duration.ofDays(5)));
    backup(1, 0x05, now.minus(Duration.ofDays(1)));

    ArchiveExpiry expiry = retention(now).expire(spec(2, Duration.ZERO));

    assertEquals(2, expiry.keptBackups().size());
    assertEquals(segment(1, 0x05), expiry.oldestKeptWalFile());
    assertEquals(4, expiry.deletedWalFiles());
    Set<String> expected = new TreeSet<>(written);
    for (int seg = 0x01; seg <= 0x04; seg++) {
      expected.removeAll(walKeys(segment(1, seg)));
    }
    assertEquals(expected, keys(), "1/05.. stays for the newer backup, timeline 2 stays whole");
  }

  @Test
  void killedAttemptsGoOnlyOnceOlderThanIncompleteAfterAndTheRunningOneStays() {
    backup(1, 0x03, now.minus(Duration.ofDays(2)));
    wal(segment(1, 0x03));
    // Killed after the data object: no manifest.
    String killed = "20261101T020000Z";
    put(PhysicalArchiveLayout.backupPrefix(SYSTEM, killed) + "base.tar.gpg", "half a backup");
    put(PhysicalArchiveLayout.backupPrefix(SYSTEM, killed) + "base.tar.gpg.sig", "sig");
    put(PhysicalArchiveLayout.backupPrefix(SYSTEM, killed) + "backup_manifest", "{}");

    ArchiveExpiry young = retention(now).expire(spec(1, Duration.ofDays(7)));
    assertEquals(List.of(), young.deletedIncomplete(), "written seconds ago: may still be running");
    assertEquals(written, keys());

    // Two days on, the same objects are a killed attempt's leftovers.
    Instant later = now.plus(Duration.ofDays(2));
    ArchiveExpiry old = retention(later).expire(spec(1, Duration.ofDays(7)));
    assertEquals(List.of(killed), old.deletedIncomplete());
    Set<String> expected = new TreeSet<>(written);
    expected.removeIf(k -> k.contains(killed));
    assertEquals(expected, keys());
    assertEquals(
        List.of(), retention(later).expire(spec(1, Duration.ofDays(7))).deletedIncomplete());
  }

  @Test
  void withoutACompleteBackupNothingIsDeletedWhateverItsAge() {
    for (int seg = 1; seg <= 4; seg++) {
      wal(segment(1, seg));
    }
    String killed = "20261101T020000Z";
    put(PhysicalArchiveLayout.backupPrefix(SYSTEM, killed) + "base.tar.gpg", "half a backup");

    ArchiveExpiry expiry =
        retention(now.plus(Duration.ofDays(400))).expire(spec(1, Duration.ofDays(1)));

    assertEquals(List.of(), expiry.keptBackups());
    assertEquals(List.of(), expiry.deletedIncomplete());
    assertEquals(0, expiry.deletedWalFiles());
    assertEquals(written, keys(), "the WAL is all there is");
  }

  @Test
  void aDamagedManifestStopsTheExpiryBeforeAnythingIsDeleted() {
    writeTwoTimelines();
    String damaged =
        PhysicalArchiveLayout.backupPrefix(SYSTEM, id(now.minus(Duration.ofDays(20))))
            + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE;
    put(damaged, "{\"formatVersion\": 1, \"backupId\": ");

    ApplicationFailure failure =
        assertThrows(
            ApplicationFailure.class, () -> retention(now).expire(spec(1, Duration.ofDays(1))));

    assertTrue(failure.isNonRetryable());
    assertEquals(FailureTypes.BACKUP_CORRUPT, failure.getType());
    assertTrue(failure.getOriginalMessage().contains(damaged), failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("Nothing was deleted"));
    assertEquals(written, keys());
  }

  /**
   * With trusted signers configured, the manifests the base backup signed (through the same signing
   * store) decide as before; a manifest of a "newer" backup that flowviz-dr did not sign, put there
   * by someone with write access to the bucket, would otherwise have the real backups expired: it
   * stops the expiry, unsigned or signed by another key, before anything is deleted.
   */
  @Test
  void withTrustedSignersOnlyFlowvizSignedManifestsDecideAndAForgedOneDeletesNothing(
      @TempDir Path keys) throws Exception {
    try (GpgHome gpg = GpgHome.create()) {
      gpg.generateKey("signing@flowviz.com", GpgHome.KeyType.CURVE25519, "signing passphrase");
      gpg.generateKey("stranger@example.com", GpgHome.KeyType.CURVE25519, null);
      Files.write(
          keys.resolve("signing.pub.asc"), gpg.exportPublicKey("signing@flowviz.com", true));
      BackupStore flowviz =
          signingStore(gpg, keys.resolve("flowviz"), "signing@flowviz.com", "signing passphrase");
      BackupStore stranger =
          signingStore(gpg, keys.resolve("stranger"), "stranger@example.com", null);
      TrustedSigners trusted = TrustedSigners.keyFile(keys.resolve("signing.pub.asc"));
      writeTwoTimelines();
      for (String manifest :
          written.stream()
              .filter(k -> k.endsWith(PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE))
              .toList()) {
        flowviz.writeSmall(
            bucket, manifest, store.readSmall(bucket, manifest).orElseThrow(), "application/json");
      }

      // A "backup" an hour old that would become the newest, and push B3 out of the kept ones.
      Instant forgedAt = now.minus(Duration.ofHours(1));
      String forged =
          PhysicalArchiveLayout.backupPrefix(SYSTEM, id(forgedAt))
              + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE;
      byte[] forgedJson = manifestJson(2, 0x10, forgedAt).getBytes(StandardCharsets.UTF_8);
      Set<String> before = keys();
      for (BackupStore writer : List.of(store, stranger)) {
        writer.writeSmall(bucket, forged, forgedJson, "application/json");
        Set<String> withForgery = keys();

        ApplicationFailure refused =
            assertThrows(
                ApplicationFailure.class,
                () ->
                    new ArchiveRetention(store, trusted, Clock.fixed(now, ZoneOffset.UTC))
                        .expire(spec(2, Duration.ofDays(15))));
        assertTrue(refused.isNonRetryable());
        assertEquals(FailureTypes.BACKUP_REFUSED, refused.getType());
        assertTrue(refused.getOriginalMessage().contains(forged), refused.getOriginalMessage());
        assertTrue(refused.getOriginalMessage().contains("Nothing was deleted"));
        assertEquals(withForgery, keys(), "nothing deleted on a forged manifest's word");
        s3.deleteObject(b -> b.bucket(bucket).key(forged));
        s3.deleteObject(b -> b.bucket(bucket).key(forged + ".sig"));
      }
      assertEquals(before, keys());

      ArchiveExpiry expiry =
          new ArchiveRetention(store, trusted, Clock.fixed(now, ZoneOffset.UTC))
              .expire(spec(2, Duration.ofDays(15)));
      assertEquals(
          List.of(
              id(now.minus(Duration.ofDays(1))),
              id(now.minus(Duration.ofDays(3))),
              id(now.minus(Duration.ofDays(10)))),
          expiry.keptBackups(),
          "the signed manifests decide as the unchecked ones did");
      assertEquals(segment(2, 0x09), expiry.oldestKeptWalFile());
    }
  }

  /** A store that signs what it writes with {@code email}'s key, as the base backup's does. */
  private BackupStore signingStore(GpgHome gpg, Path secretsDir, String email, String passphrase) {
    LocalSecretStore secrets = new LocalSecretStore(secretsDir);
    secrets.write(
        BackupSigningKey.DEFAULT_KEY_SECRET,
        new String(gpg.exportSecretKey(email, passphrase, true), StandardCharsets.US_ASCII));
    if (passphrase != null) {
      secrets.write(BackupSigningKey.DEFAULT_PASSPHRASE_SECRET, passphrase);
    }
    return new SigningBackupStore(
        store,
        new BackupSigningKey(
            secrets,
            BackupSigningKey.DEFAULT_KEY_SECRET,
            passphrase == null ? null : BackupSigningKey.DEFAULT_PASSPHRASE_SECRET));
  }

  @Test
  void refusesASpecThatWouldKeepNothingOrDeleteARunningAttempt() {
    writeTwoTimelines();
    for (ArchiveExpirySpec bad :
        List.of(
            spec(0, Duration.ofDays(7)),
            spec(2, Duration.ofDays(7)).toBuilder().incompleteAfter(Duration.ofMinutes(5)).build(),
            spec(2, Duration.ofDays(7)).toBuilder().systemIdentifier("../wal").build())) {
      ApplicationFailure failure =
          assertThrows(ApplicationFailure.class, () -> retention(now).expire(bad));
      assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
      assertTrue(failure.isNonRetryable());
    }
    assertEquals(written, keys());
  }

  /**
   * The network to S3 cut right after the first delete request (an expired backup's manifest): the
   * backup left behind has no manifest, so nothing ever takes it for a complete one; once S3 is
   * back a run finishes the WAL, and the leftovers go as a killed attempt's.
   */
  @Test
  void aDeletionCutShortNeverLeavesABackupThatLooksComplete() {
    writeTwoTimelines();
    S3FaultProxy proxy = S3FaultProxy.in(TestMoto.endpoint());
    S3Client viaProxy = AwsClients.s3(TestMoto.REGION, proxy.endpoint());
    BackupStore real = new S3BackupStore(viaProxy, S3BackupStore.DEFAULT_PART_SIZE);
    AtomicInteger deletes = new AtomicInteger();
    // Times the outage only: the cut itself is the proxy going away, refused connections and all.
    BackupStore cutAfterFirstDelete =
        (BackupStore)
            Proxy.newProxyInstance(
                BackupStore.class.getClassLoader(),
                new Class<?>[] {BackupStore.class},
                (p, method, args) -> {
                  if (method.getName().equals("delete") && deletes.getAndIncrement() == 1) {
                    proxy.close();
                  }
                  try {
                    return method.invoke(real, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });

    assertThrows(
        RuntimeException.class,
        () ->
            new ArchiveRetention(
                    cutAfterFirstDelete, TrustedSigners.none(), Clock.fixed(now, ZoneOffset.UTC))
                .expire(spec(2, Duration.ofDays(15))));

    String b1 = id(now.minus(Duration.ofDays(30)));
    String b1Prefix = PhysicalArchiveLayout.backupPrefix(SYSTEM, b1);
    Set<String> left = keys();
    assertFalse(left.contains(b1Prefix + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE));
    assertTrue(left.contains(b1Prefix + PhysicalArchiveLayout.DATA_FILE), "cut before the rest");
    assertTrue(
        left.contains(PhysicalArchiveLayout.walKey(SYSTEM, segment(1, 0x01))),
        "no WAL deleted while an expired backup was half deleted");

    ArchiveExpiry resumed = retention(now).expire(spec(2, Duration.ofDays(15)));
    assertEquals(List.of(id(now.minus(Duration.ofDays(20)))), resumed.deletedBackups());
    assertEquals(12, resumed.deletedWalFiles());
    assertTrue(keys().contains(b1Prefix + PhysicalArchiveLayout.DATA_FILE), "young leftovers wait");

    ArchiveExpiry later =
        retention(now.plus(Duration.ofDays(2))).expire(spec(2, Duration.ofDays(15)));
    assertEquals(List.of(b1), later.deletedIncomplete());
    assertTrue(keys().stream().noneMatch(k -> k.startsWith(b1Prefix)));
  }

  /** The bucket unreachable from the start: a retryable failure, and nothing deleted. */
  @Test
  void anUnreachableBucketFailsRetryablyAndDeletesNothing() {
    writeTwoTimelines();
    S3FaultProxy proxy = S3FaultProxy.in(TestMoto.endpoint());
    S3Client viaProxy = AwsClients.s3(TestMoto.REGION, proxy.endpoint());
    proxy.close();

    RuntimeException failure =
        assertThrows(
            RuntimeException.class,
            () ->
                new ArchiveRetention(
                        new S3BackupStore(viaProxy, S3BackupStore.DEFAULT_PART_SIZE),
                        TrustedSigners.none(),
                        Clock.fixed(now, ZoneOffset.UTC))
                    .expire(spec(2, Duration.ofDays(15))));

    assertFalse(
        failure instanceof ApplicationFailure a && a.isNonRetryable(),
        "an outage heals: " + failure);
    assertEquals(written, keys());
  }

  /**
   * The demo's local directory store, with real file ages: an object that cannot be deleted (an
   * immutable file) fails the run retryably, naming it; once it is out of the way the next run
   * finishes, and a killed attempt two days old goes.
   */
  @Test
  void aLocalDirectoryArchiveExpiresTooAndAKeyThatWillNotGoIsNamed(@TempDir Path root)
      throws Exception {
    Path bucketDir = Files.createDirectories(root.resolve("local-bucket"));
    BackupStore local = new LocalDirectoryBackupStore(root);
    Instant old = now.minus(Duration.ofDays(2));
    String prefixOld =
        PhysicalArchiveLayout.backupPrefix(SYSTEM, id(now.minus(Duration.ofDays(9))));
    String prefixNew =
        PhysicalArchiveLayout.backupPrefix(SYSTEM, id(now.minus(Duration.ofDays(1))));
    file(bucketDir, prefixOld + PhysicalArchiveLayout.DATA_FILE, "tar", old);
    file(
        bucketDir,
        prefixOld + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE,
        manifestJson(1, 0x02, now.minus(Duration.ofDays(9))),
        old);
    file(bucketDir, prefixNew + PhysicalArchiveLayout.DATA_FILE, "tar", now);
    file(
        bucketDir,
        prefixNew + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE,
        manifestJson(1, 0x05, now.minus(Duration.ofDays(1))),
        now);
    String killed = PhysicalArchiveLayout.backupPrefix(SYSTEM, "20261101T020000Z");
    file(bucketDir, killed + PhysicalArchiveLayout.DATA_FILE, "half", old);
    for (int seg = 1; seg <= 6; seg++) {
      file(bucketDir, PhysicalArchiveLayout.walKey(SYSTEM, segment(1, seg)), "wal", old);
    }
    // Segment 03's object made immutable: not even root may delete it (chattr +i).
    Path stuck = bucketDir.resolve(PhysicalArchiveLayout.walKey(SYSTEM, segment(1, 3)));
    chattr("+i", stuck);
    ArchiveExpirySpec spec = spec(1, Duration.ofDays(7)).toBuilder().bucket("local-bucket").build();
    ArchiveRetention retention =
        new ArchiveRetention(local, TrustedSigners.none(), Clock.fixed(now, ZoneOffset.UTC));

    UncheckedIOException failure;
    try {
      failure = assertThrows(UncheckedIOException.class, () -> retention.expire(spec));
    } finally {
      chattr("-i", stuck);
    }
    assertTrue(
        failure.getMessage().contains(PhysicalArchiveLayout.walKey(SYSTEM, segment(1, 3))),
        failure.getMessage());
    assertTrue(Files.exists(stuck));

    ArchiveExpiry expiry = retention.expire(spec);
    assertEquals(List.of(id(now.minus(Duration.ofDays(1)))), expiry.keptBackups());
    assertEquals(List.of("20261101T020000Z"), expiry.deletedIncomplete());
    assertEquals(segment(1, 5), expiry.oldestKeptWalFile());
    assertEquals(
        Set.of(
            prefixNew + PhysicalArchiveLayout.DATA_FILE,
            prefixNew + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE,
            PhysicalArchiveLayout.walKey(SYSTEM, segment(1, 5)),
            PhysicalArchiveLayout.walKey(SYSTEM, segment(1, 6))),
        local.list("local-bucket", "").stream()
            .map(StoredObject::key)
            .collect(Collectors.toCollection(TreeSet::new)));
  }

  private static void chattr(String flag, Path file) throws Exception {
    Process p =
        new ProcessBuilder(RequiredTools.find("chattr"), flag, file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "chattr " + flag + " (needs root): " + output);
  }

  private static void file(Path bucketDir, String key, String content, Instant modified)
      throws IOException {
    Path file = bucketDir.resolve(key);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(modified));
  }

  // --- the synthetic archive ---

  private ArchiveRetention retention(Instant at) {
    return new ArchiveRetention(store, TrustedSigners.none(), Clock.fixed(at, ZoneOffset.UTC));
  }

  private ArchiveExpirySpec spec(int keep, Duration keepFor) {
    return ArchiveExpirySpec.builder()
        .bucket(bucket)
        .systemIdentifier(SYSTEM)
        .keepBaseBackups(keep)
        .keepFor(keepFor)
        .incompleteAfter(Duration.ofDays(1))
        .build();
  }

  private static String segment(int timeline, int segment) {
    return String.format("%08X%08X%08X", timeline, 0, segment);
  }

  private static String id(Instant start) {
    return BACKUP_ID.format(start);
  }

  /** A WAL file and its detached signature, as the archiver stores them. */
  private void wal(String walFile) {
    for (String key : walKeys(walFile)) {
      put(key, "encrypted " + walFile);
    }
  }

  private static List<String> walKeys(String walFile) {
    String key = PhysicalArchiveLayout.walKey(SYSTEM, walFile);
    return List.of(key, key + ".sig");
  }

  /** A complete base backup: data, PostgreSQL's manifest, the flowviz manifest, each signed. */
  private void backup(int timeline, int startSegment, Instant stopTime) {
    String prefix = PhysicalArchiveLayout.backupPrefix(SYSTEM, id(stopTime));
    put(prefix + PhysicalArchiveLayout.DATA_FILE, "encrypted tar");
    put(prefix + PhysicalArchiveLayout.DATA_FILE + ".sig", "sig");
    put(
        prefix + PhysicalArchiveLayout.PG_MANIFEST_FILE,
        "{\"PostgreSQL-Backup-Manifest-Version\"}");
    put(prefix + PhysicalArchiveLayout.PG_MANIFEST_FILE + ".sig", "sig");
    put(
        prefix + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE,
        manifestJson(timeline, startSegment, stopTime));
    put(prefix + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE + ".sig", "sig");
  }

  /** The flowviz manifest of a backup whose id is its stop time. */
  private static String manifestJson(int timeline, int startSegment, Instant stopTime) {
    BaseBackupManifest manifest =
        BaseBackupManifest.builder()
            .formatVersion(1)
            .backupId(id(stopTime))
            .systemIdentifier(SYSTEM)
            .timeline(timeline)
            .serverVersion("15.10")
            .pgBasebackupVersion("15.10")
            .startLsn("0/" + Integer.toHexString(startSegment) + "000028")
            .stopLsn("0/" + Integer.toHexString(startSegment) + "000100")
            .startTime(stopTime.minusSeconds(60))
            .stopTime(stopTime)
            .startWalFile(segment(timeline, startSegment))
            .stopWalFile(segment(timeline, startSegment))
            .tarBytes(100)
            .tarSha256("00")
            .encryptedBytes(120)
            .sha256("00")
            .pgManifestSha256("00")
            .recipientKeyFingerprint("ABCD")
            .build();
    return new String(Json.write(manifest), StandardCharsets.UTF_8);
  }

  private List<String> backupKeys(String id) {
    String prefix = PhysicalArchiveLayout.backupPrefix(SYSTEM, id);
    return written.stream().filter(k -> k.startsWith(prefix)).toList();
  }

  private void put(String key, String content) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    written.add(key);
  }

  private Set<String> keys() {
    Set<String> keys = new TreeSet<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
      keys.add(o.key());
    }
    return keys;
  }
}
