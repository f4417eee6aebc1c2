package com.flowviz.dr.activities.physical.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.FilePrivateKeySource;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.ForwardingBackupStore;
import com.flowviz.dr.activities.storage.LocalDirectoryBackupStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestMoto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The WAL push and fetch against moto with real keys: what archive_command and restore_command do
 * for one file. The object decrypts with the gpg CLI and its signature (in the metadata) verifies
 * with it; a retry of the same bytes succeeds without a write; a different file under an archived
 * name is an alarm and changes nothing, also when it loses a race to the conditional PUT; fetch
 * refuses what it cannot prove. Segments are synthetic here (a long page header naming the
 * cluster); a real server archiving through the wrapper, under an outage and a kill, is
 * WalArchivingEndToEndTest (worker e2e).
 */
class WalArchiveTest {

  private static final String BACKUP = "backup@flowviz.com";
  private static final String SIGNING = "signing@flowviz.com";
  private static final String STRANGER = "stranger@example.com";
  private static final String PASSPHRASE = "signing passphrase";
  private static final String SYSTEM = "7311111111111111111";
  private static final String NAME = "000000010000000000000003";

  private static GpgHome gpg;
  private static Path keys;

  @TempDir Path dir;
  private S3Client s3;
  private String bucket;
  private S3BackupStore plain;

  @BeforeAll
  static void generateKeys() throws IOException {
    gpg = GpgHome.create();
    gpg.generateKey(BACKUP, GpgHome.KeyType.CURVE25519, null);
    gpg.generateKey(SIGNING, GpgHome.KeyType.CURVE25519, PASSPHRASE);
    gpg.generateKey(STRANGER, GpgHome.KeyType.CURVE25519, null);
    keys = Files.createTempDirectory("wal-keys");
    Files.write(keys.resolve("backup.pub.asc"), gpg.exportPublicKey(BACKUP, true));
    Files.write(keys.resolve("backup.sec.asc"), gpg.exportSecretKey(BACKUP, null, true));
    Files.write(keys.resolve("signing.pub.asc"), gpg.exportPublicKey(SIGNING, true));
    LocalSecretStore secrets = new LocalSecretStore(keys.resolve("secrets"));
    secrets.write(
        BackupSigningKey.DEFAULT_KEY_SECRET,
        new String(gpg.exportSecretKey(SIGNING, PASSPHRASE, true), StandardCharsets.US_ASCII));
    secrets.write(BackupSigningKey.DEFAULT_PASSPHRASE_SECRET, PASSPHRASE);
    LocalSecretStore stranger = new LocalSecretStore(keys.resolve("stranger"));
    stranger.write(
        BackupSigningKey.DEFAULT_KEY_SECRET,
        new String(gpg.exportSecretKey(STRANGER, null, true), StandardCharsets.US_ASCII));
  }

  @AfterAll
  static void closeKeys() {
    gpg.close();
  }

  @BeforeEach
  void setUp() {
    s3 = TestMoto.s3();
    bucket = TestMoto.newBucket(s3, "wal");
    plain = new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE);
  }

  private static BackupStore signedBy(BackupStore store, String secretsDir) {
    return new SigningBackupStore(
        store,
        new BackupSigningKey(
            new LocalSecretStore(keys.resolve(secretsDir)),
            BackupSigningKey.DEFAULT_KEY_SECRET,
            BackupSigningKey.DEFAULT_PASSPHRASE_SECRET));
  }

  private WalPush push(BackupStore store) {
    return new WalPush(
        signedBy(store, "secrets"), bucket, new RecipientKeys(keys.resolve("backup.pub.asc")));
  }

  private WalFetch fetch(TrustedSigners signers) {
    return new WalFetch(
        plain, bucket, new FilePrivateKeySource(keys.resolve("backup.sec.asc"), null), signers);
  }

  private WalFetch fetch() {
    return fetch(TrustedSigners.keyFile(keys.resolve("signing.pub.asc")));
  }

  /** A 16 MiB segment as a server of {@code system} writes it: long header, records, zeros. */
  private Path segment(String system, long seed) throws IOException {
    byte[] bytes = new byte[16 << 20];
    new Random(seed).nextBytes(bytes);
    // a switched segment: the second half is zeros
    Arrays.fill(bytes, 8 << 20, bytes.length, (byte) 0);
    ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    header.putShort(0, (short) 0xD110); // PG 15's XLOG_PAGE_MAGIC
    header.putShort(2, (short) 0x0002); // XLP_LONG_HEADER
    header.putLong(24, Long.parseUnsignedLong(system));
    Path file = dir.resolve("pg_wal-" + seed).resolve(NAME);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    return file;
  }

  private String key() {
    return PhysicalArchiveLayout.walKey(SYSTEM, NAME);
  }

  private HeadObjectResponse head() {
    return s3.headObject(b -> b.bucket(bucket).key(key()));
  }

  @Test
  void pushedSegmentDecryptsWithGpgAndItsSignatureVerifiesByHand() throws Exception {
    Path file = segment(SYSTEM, 1);
    assertEquals(WalPush.Outcome.ARCHIVED, push(plain).push(file, NAME, SYSTEM));

    HeadObjectResponse head = head();
    byte[] plaintext = Files.readAllBytes(file);
    assertEquals(PlaintextDigest.sha256(plaintext), head.metadata().get("flowviz-sha256"));
    assertTrue(
        head.contentLength() < plaintext.length * 6 / 10,
        "zlib-compressed: the zero half of the segment vanishes, got " + head.contentLength());

    // The by-hand procedure of WalObjects' documentation, with the real gpg.
    Path object = dir.resolve(NAME + ".gpg");
    Files.write(object, s3.getObjectAsBytes(b -> b.bucket(bucket).key(key())).asByteArray());
    Path signature = dir.resolve(NAME + ".gpg.sig");
    Files.write(signature, Base64.getDecoder().decode(head.metadata().get("flowviz-signature")));
    gpg.importKeys(gpg.exportPublicKey(SIGNING, true));
    assertTrue(gpg.verify(signature, object).contains("GOODSIG"));
    Path decrypted = dir.resolve(NAME + ".decrypted");
    gpg.decrypt(object, decrypted, null);
    assertArrayEquals(plaintext, Files.readAllBytes(decrypted));

    Path restored = dir.resolve("restored").resolve("RECOVERYXLOG");
    Files.createDirectories(restored.getParent());
    assertEquals(WalFetch.Outcome.FETCHED, fetch().fetch(NAME, restored, SYSTEM));
    assertArrayEquals(plaintext, Files.readAllBytes(restored));
  }

  @Test
  void aRetryOfTheSameBytesSucceedsAndADifferentSegmentIsAnAlarmThatChangesNothing()
      throws Exception {
    Path file = segment(SYSTEM, 2);
    assertEquals(WalPush.Outcome.ARCHIVED, push(plain).push(file, NAME, SYSTEM));
    String etag = head().eTag();

    assertEquals(WalPush.Outcome.ALREADY_ARCHIVED, push(plain).push(file, NAME, SYSTEM));
    assertEquals(etag, head().eTag(), "a retry writes nothing");

    Path other = segment(SYSTEM, 3);
    WalConflict alarm =
        assertThrows(WalConflict.class, () -> push(plain).push(other, NAME, SYSTEM));
    assertTrue(alarm.getMessage().startsWith("ALARM"));
    assertTrue(alarm.getMessage().contains(PlaintextDigest.sha256(Files.readAllBytes(file))));
    assertTrue(alarm.getMessage().contains(PlaintextDigest.sha256(Files.readAllBytes(other))));
    assertEquals(etag, head().eTag(), "the archived object is untouched");
  }

  /**
   * The HEAD finds nothing, then another archiver's PUT lands before ours: the conditional PUT is
   * refused (412) and the comparison decides, both for the same and for different bytes.
   */
  @Test
  void losingTheRaceToTheConditionalPutIsDecidedByTheDigest() throws Exception {
    Path file = segment(SYSTEM, 4);
    Path other = segment(SYSTEM, 5);
    assertEquals(
        WalPush.Outcome.ALREADY_ARCHIVED,
        push(racedBy(file)).push(file, NAME, SYSTEM),
        "the racing archiver wrote the same bytes");

    s3.deleteObject(b -> b.bucket(bucket).key(key()));
    assertThrows(
        WalConflict.class,
        () -> push(racedBy(other)).push(file, NAME, SYSTEM),
        "the racing archiver wrote a different segment");
    assertEquals(
        PlaintextDigest.sha256(Files.readAllBytes(other)),
        head().metadata().get("flowviz-sha256"),
        "the winner's object stays");
  }

  /** moto's S3, where a competing push of {@code competitor} lands just after the first HEAD. */
  private BackupStore racedBy(Path competitor) {
    return new ForwardingBackupStore(plain) {
      private boolean raced;

      @Override
      public Optional<Map<String, String>> metadata(String b, String k) throws IOException {
        Optional<Map<String, String>> seen = super.metadata(b, k);
        if (!raced) {
          raced = true;
          try {
            push(plain).push(competitor, NAME, SYSTEM);
          } catch (Exception e) {
            throw new IOException(e);
          }
        }
        return seen;
      }
    };
  }

  /**
   * A standby promoted with archive_mode on archives its old timeline's last segment as {@code
   * .partial}: refusing it would stall every later segment behind it (PostgreSQL retries one file
   * until it succeeds). It is archived, checked as a segment (its first page names the cluster),
   * and fetched back; a name no PostgreSQL writes is refused.
   */
  @Test
  void aPartialSegmentFromAPromotionIsArchivedAndCheckedLikeASegment() throws Exception {
    String partial = NAME + ".partial";
    Path file = segment(SYSTEM, 7);
    Path named = Files.move(file, file.resolveSibling(partial));
    assertEquals(WalPush.Outcome.ARCHIVED, push(plain).push(named, partial, SYSTEM));
    String partialKey = PhysicalArchiveLayout.walKey(SYSTEM, partial);
    assertTrue(partialKey.endsWith("/00000001/" + partial + ".gpg"), partialKey);
    assertEquals(
        PlaintextDigest.sha256(Files.readAllBytes(named)),
        plain.metadata(bucket, partialKey).orElseThrow().get("flowviz-sha256"));
    Path restored = dir.resolve("restored-partial").resolve("RECOVERYXLOG");
    Files.createDirectories(restored.getParent());
    assertEquals(WalFetch.Outcome.FETCHED, fetch().fetch(partial, restored, SYSTEM));
    assertArrayEquals(Files.readAllBytes(named), Files.readAllBytes(restored));

    Path foreign = segment("7399999999999999999", 8);
    Path foreignPartial = Files.move(foreign, foreign.resolveSibling(partial));
    assertThrows(
        WalPush.Refused.class,
        () -> push(plain).push(foreignPartial, partial, "7399999999999999998"));

    WalPush.Refused odd =
        assertThrows(WalPush.Refused.class, () -> push(plain).push(named, NAME + ".old", SYSTEM));
    assertTrue(odd.getMessage().contains("%p and %f"), odd.getMessage());
  }

  @Test
  void aSegmentOfAnotherClusterIsRefusedAndNothingIsWritten() throws Exception {
    Path foreign = segment("7399999999999999999", 6);
    WalPush.Refused refused =
        assertThrows(WalPush.Refused.class, () -> push(plain).push(foreign, NAME, SYSTEM));
    assertTrue(refused.getMessage().contains("7399999999999999999"));
    assertTrue(plain.metadata(bucket, key()).isEmpty());
  }

  @Test
  void fetchReportsAMissingFileAndRefusesWhatItCannotProve() throws Exception {
    Path restored = dir.resolve("RECOVERYXLOG");
    assertEquals(WalFetch.Outcome.MISSING, fetch().fetch(NAME, restored, SYSTEM));
    assertEquals(WalFetch.Outcome.MISSING, fetch().fetch("00000002.history", restored, SYSTEM));
    assertFalse(Files.exists(restored));

    Path file = segment(SYSTEM, 7);
    push(plain).push(file, NAME, SYSTEM);
    Map<String, String> metadata = head().metadata();
    byte[] object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key())).asByteArray();

    // No trusted signer configured: nothing can be proven.
    assertThrows(
        WalFetch.Refused.class, () -> fetch(TrustedSigners.none()).fetch(NAME, restored, SYSTEM));

    // The recorded digest altered: the signature still holds, the plaintext does not match.
    Map<String, String> wrongDigest = new HashMap<>(metadata);
    wrongDigest.put("flowviz-sha256", PlaintextDigest.sha256(new byte[] {1}));
    replace(object, wrongDigest);
    WalFetch.Refused digest =
        assertThrows(WalFetch.Refused.class, () -> fetch().fetch(NAME, restored, SYSTEM));
    assertTrue(digest.getMessage().contains("SHA-256"), digest.getMessage());

    // The ciphertext replaced by another encryption of another segment, with the old signature.
    Path other = segment(SYSTEM, 8);
    byte[] forged =
        WalEncryption.encrypt(
            Files.readAllBytes(other),
            new RecipientKeys(keys.resolve("backup.pub.asc")).load(),
            NAME);
    replace(forged, metadata);
    WalFetch.Refused signature =
        assertThrows(WalFetch.Refused.class, () -> fetch().fetch(NAME, restored, SYSTEM));
    assertTrue(signature.getMessage().contains("does not match"), signature.getMessage());

    // Signed, properly, by a key that is not trusted.
    s3.deleteObject(b -> b.bucket(bucket).key(key()));
    new WalPush(
            signedBy(plain, "stranger"), bucket, new RecipientKeys(keys.resolve("backup.pub.asc")))
        .push(other, NAME, SYSTEM);
    WalFetch.Refused stranger =
        assertThrows(WalFetch.Refused.class, () -> fetch().fetch(NAME, restored, SYSTEM));
    assertTrue(stranger.getMessage().contains("not among the trusted"), stranger.getMessage());

    // No signature at all.
    Map<String, String> unsigned = new HashMap<>(metadata);
    unsigned.remove("flowviz-signature");
    replace(object, unsigned);
    assertThrows(WalFetch.Refused.class, () -> fetch().fetch(NAME, restored, SYSTEM));
    assertFalse(Files.exists(restored), "nothing refused is ever written to %p");
  }

  private void replace(byte[] content, Map<String, String> metadata) {
    s3.putObject(
        b -> b.bucket(bucket).key(key()).metadata(metadata), RequestBody.fromBytes(content));
  }

  @Test
  void theLocalDirectoryStoreCreatesOnlyOnceAndKeepsMetadataOutOfListings() throws IOException {
    Path root = dir.resolve("store");
    Files.createDirectories(root.resolve("b"));
    LocalDirectoryBackupStore store = new LocalDirectoryBackupStore(root);
    String k = "wal/1/00000001/" + NAME + ".gpg";
    assertEquals(
        BackupStore.CreateOutcome.CREATED,
        store.createSmall("b", k, new byte[] {1, 2}, "x", Map.of("flowviz-sha256", "aa")));
    assertEquals(
        BackupStore.CreateOutcome.ALREADY_EXISTS,
        store.createSmall("b", k, new byte[] {3}, "x", Map.of("flowviz-sha256", "bb")));
    assertEquals(Map.of("flowviz-sha256", "aa"), store.metadata("b", k).orElseThrow());
    BackupStore.SmallObject read = store.readSmallWithMetadata("b", k).orElseThrow();
    assertArrayEquals(new byte[] {1, 2}, read.content());
    assertEquals(List.of(k), store.list("b", "wal/").stream().map(o -> o.key()).toList());
    assertTrue(store.metadata("b", "wal/none").isEmpty());
  }
}
