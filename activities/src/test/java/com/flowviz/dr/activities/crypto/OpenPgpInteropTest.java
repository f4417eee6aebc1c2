package com.flowviz.dr.activities.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.GpgHome.KeyType;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Both directions against the real gpg CLI: what we write gpg reads, what gpg writes we read. */
class OpenPgpInteropTest {

  private static final String RSA_PLAIN = "rsa-plain@flowviz.test";
  private static final String RSA_PROTECTED = "rsa-protected@flowviz.test";
  private static final String ECC_PROTECTED = "ecc-protected@flowviz.test";
  private static final String OTHER = "other@flowviz.test";
  private static final String PASSPHRASE = "correct horse battery staple";

  private static GpgHome gpg;
  private static byte[] plaintext;

  @TempDir Path dir;

  @BeforeAll
  static void generateKeys() {
    gpg = GpgHome.create();
    gpg.generateKey(RSA_PLAIN, KeyType.RSA, null);
    gpg.generateKey(RSA_PROTECTED, KeyType.RSA, PASSPHRASE);
    gpg.generateKey(ECC_PROTECTED, KeyType.CURVE25519, PASSPHRASE);
    gpg.generateKey(OTHER, KeyType.RSA, null);
    // Half random (incompressible, like a pg_dump -Fc archive), half text (so compression matters).
    byte[] random = new byte[3 * 1024 * 1024];
    new Random(42).nextBytes(random);
    byte[] text =
        "PGDMP lot LOT-20250119-000042 released at 2025-01-19T02:00:00Z\n"
            .repeat(40_000)
            .getBytes(StandardCharsets.UTF_8);
    plaintext = new byte[random.length + text.length];
    System.arraycopy(random, 0, plaintext, 0, random.length);
    System.arraycopy(text, 0, plaintext, random.length, text.length);
  }

  @AfterAll
  static void removeKeys() {
    gpg.close();
  }

  static Stream<Arguments> gpgDefaultVariants() {
    List<Arguments> variants = new ArrayList<>();
    for (String key : List.of(RSA_PLAIN, RSA_PROTECTED, ECC_PROTECTED)) {
      for (boolean armor : List.of(false, true)) {
        for (boolean compress : List.of(true, false)) {
          variants.add(Arguments.of(key, armor, compress));
        }
      }
    }
    return variants.stream();
  }

  @ParameterizedTest(name = "{0} armor={1} compressed={2}")
  @MethodSource("gpgDefaultVariants")
  void decryptsWhatGpgEncrypts(String key, boolean armor, boolean compress) throws Exception {
    Path in = write("plain.bin", plaintext);
    Path out = dir.resolve("cipher.gpg");
    gpg.encrypt(in, out, List.of(key), armor, compress);

    ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
    OpenPgpDecryptor.Outcome outcome;
    try (PrivateKeyMaterial material = secretKey(key);
        InputStream cipher = Files.newInputStream(out)) {
      outcome = OpenPgpDecryptor.decrypt(cipher, material, decrypted, bytes -> {});
    }

    assertArrayEquals(plaintext, decrypted.toByteArray());
    assertEquals(compress, outcome.compressed(), "gpg compresses by default and -z 0 turns it off");
  }

  @Test
  void decryptsAMessageForSeveralRecipientsWithEitherKey() throws Exception {
    Path in = write("plain.bin", plaintext);
    Path out = dir.resolve("cipher.gpg");
    gpg.encrypt(in, out, List.of(OTHER, RSA_PROTECTED), false, true);

    for (String key : List.of(OTHER, RSA_PROTECTED)) {
      ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
      try (PrivateKeyMaterial material = secretKey(key);
          InputStream cipher = Files.newInputStream(out)) {
        OpenPgpDecryptor.decrypt(cipher, material, decrypted, bytes -> {});
      }
      assertArrayEquals(plaintext, decrypted.toByteArray(), "decrypted with " + key);
    }
  }

  @Test
  void encryptsToTheSubkeyNotThePrimaryKey() throws Exception {
    List<PGPPublicKey> keys =
        OpenPgpKeys.encryptionKeys(
            OpenPgpKeys.publicKeys(gpg.exportPublicKey(RSA_PLAIN, true)), new Date());
    assertEquals(1, keys.size());
    assertTrue(
        !keys.get(0).isMasterKey(),
        "gpg's RSA primary key is for signing; the encryption subkey is chosen");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ourRecipients")
  void gpgDecryptsWhatWeEncrypt(String key, String passphrase) throws Exception {
    List<PGPPublicKey> recipients =
        OpenPgpKeys.encryptionKeys(
            OpenPgpKeys.publicKeys(gpg.exportPublicKey(key, true)), new Date());
    Path cipher = dir.resolve("ours.gpg");
    try (OutputStream file = Files.newOutputStream(cipher);
        OutputStream encrypting =
            OpenPgpEncryptor.encryptTo(file, recipients, "flowviz.dump", new Date())) {
      encrypting.write(plaintext);
    }
    Path decrypted = dir.resolve("gpg-decrypted.bin");
    gpg.decrypt(cipher, decrypted, passphrase);
    assertArrayEquals(plaintext, Files.readAllBytes(decrypted));
  }

  static Stream<Arguments> ourRecipients() {
    return Stream.of(Arguments.of(RSA_PLAIN, null), Arguments.of(ECC_PROTECTED, PASSPHRASE));
  }

  @Test
  void refusesAMessageForAnotherKeyNamingBothKeys() throws Exception {
    Path out = encryptedBy(RSA_PLAIN);
    BackupDecryptionException e =
        assertThrows(BackupDecryptionException.class, () -> decryptWith(out, secretKey(OTHER)));
    assertEquals(FailureTypes.DECRYPTION_KEY_MISMATCH, e.type());
    assertTrue(e.getMessage().contains("encrypted for key"), e.getMessage());
  }

  @Test
  void refusesAWrongPassphrase() throws Exception {
    Path out = encryptedBy(RSA_PROTECTED);
    byte[] exported = gpg.exportSecretKey(RSA_PROTECTED, PASSPHRASE, true);
    BackupDecryptionException e =
        assertThrows(
            BackupDecryptionException.class,
            () ->
                decryptWith(
                    out,
                    new PrivateKeyMaterial(exported, "wrong passphrase".toCharArray(), "test")));
    assertEquals(FailureTypes.DECRYPTION_PASSPHRASE_WRONG, e.type());
  }

  @Test
  void refusesAProtectedKeyWithoutPassphrase() throws Exception {
    Path out = encryptedBy(RSA_PROTECTED);
    byte[] exported = gpg.exportSecretKey(RSA_PROTECTED, PASSPHRASE, true);
    BackupDecryptionException e =
        assertThrows(
            BackupDecryptionException.class,
            () -> decryptWith(out, new PrivateKeyMaterial(exported, null, "test")));
    assertEquals(FailureTypes.DECRYPTION_PASSPHRASE_WRONG, e.type());
    assertTrue(e.getMessage().contains("none is configured"), e.getMessage());
  }

  @Test
  void detectsATruncatedMessage() throws Exception {
    Path out = encryptedBy(RSA_PLAIN);
    byte[] bytes = Files.readAllBytes(out);
    Files.write(out, Arrays.copyOf(bytes, bytes.length / 2));
    BackupDecryptionException e =
        assertThrows(BackupDecryptionException.class, () -> decryptWith(out, secretKey(RSA_PLAIN)));
    assertEquals(FailureTypes.BACKUP_CORRUPT, e.type());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void detectsTamperingInAnUncompressedBody() throws Exception {
    Path in = write("plain.bin", plaintext);
    Path out = dir.resolve("cipher.gpg");
    gpg.encrypt(in, out, List.of(RSA_PLAIN), false, false);
    flipByte(out, Files.size(out) / 2);
    BackupDecryptionException e =
        assertThrows(BackupDecryptionException.class, () -> decryptWith(out, secretKey(RSA_PLAIN)));
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, e.type());
  }

  @Test
  void detectsTamperingInACompressedBody() throws Exception {
    Path out = encryptedBy(RSA_PLAIN);
    flipByte(out, Files.size(out) - 1000);
    BackupDecryptionException e =
        assertThrows(BackupDecryptionException.class, () -> decryptWith(out, secretKey(RSA_PLAIN)));
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, e.type());
  }

  @ParameterizedTest(name = "byte {0} from the end")
  @ValueSource(longs = {1_500_000, 5, 25})
  void detectsTamperingAnywhereInAMessageOfSeveralDecryptionChunks(long fromEnd) throws Exception {
    byte[] big = new byte[3 * (1 << 20) + 7];
    new Random(7).nextBytes(big);
    Path in = write("big.bin", big);
    Path out = dir.resolve("big.gpg");
    gpg.encrypt(in, out, List.of(RSA_PLAIN), false, false);
    assertArrayEquals(big, decryptWith(out, secretKey(RSA_PLAIN)), "intact first");

    flipByte(
        out,
        Files.size(out)
            - fromEnd); // the body in a later chunk, the MDC packet, the last body bytes
    BackupDecryptionException e =
        assertThrows(BackupDecryptionException.class, () -> decryptWith(out, secretKey(RSA_PLAIN)));
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, e.type(), e.getMessage());
  }

  @Test
  void refusesDataThatIsNotOpenPgp() throws Exception {
    Path out =
        write(
            "not-pgp.dump",
            "PGDMP\u0001\u000e plain pg_dump archive, never encrypted"
                .getBytes(StandardCharsets.UTF_8));
    BackupDecryptionException e =
        assertThrows(BackupDecryptionException.class, () -> decryptWith(out, secretKey(RSA_PLAIN)));
    assertEquals(FailureTypes.NOT_OPENPGP, e.type());
  }

  /** Negative offsets count from the end of the message. */
  static Stream<Arguments> truncations() {
    // The last byte missing leaves the integrity packet short: reported as altered, with the same
    // advice.
    return Stream.of(
        Arguments.of(1L, FailureTypes.BACKUP_CORRUPT),
        Arguments.of(20L, FailureTypes.BACKUP_CORRUPT),
        Arguments.of(300L, FailureTypes.BACKUP_CORRUPT),
        Arguments.of(-5000L, FailureTypes.BACKUP_CORRUPT),
        Arguments.of(-1L, FailureTypes.BACKUP_INTEGRITY_FAILED));
  }

  @ParameterizedTest(name = "cut at {0}")
  @MethodSource("truncations")
  void aMessageCutAnywhereIsRefusedAsCorrupt(long at, String type) throws Exception {
    Path out = encryptedBy(RSA_PLAIN);
    byte[] bytes = Files.readAllBytes(out);
    Files.write(out, Arrays.copyOf(bytes, (int) (at >= 0 ? at : bytes.length + at)));
    BackupDecryptionException e =
        assertThrows(BackupDecryptionException.class, () -> decryptWith(out, secretKey(RSA_PLAIN)));
    assertEquals(type, e.type(), e.getMessage());
  }

  /**
   * Offsets of one flipped bit: packet headers, the encrypted session key, the body, the integrity
   * packet.
   */
  static Stream<Arguments> bitFlips() {
    return Stream.of(
        Arguments.of("the first packet's tag", 0L, FailureTypes.NOT_OPENPGP),
        Arguments.of("the recipient key id", 5L, FailureTypes.DECRYPTION_KEY_MISMATCH),
        Arguments.of("the encrypted session key", 200L, FailureTypes.BACKUP_INTEGRITY_FAILED),
        Arguments.of("the body", -20_000L, FailureTypes.BACKUP_INTEGRITY_FAILED),
        Arguments.of("the integrity packet", -3L, FailureTypes.BACKUP_INTEGRITY_FAILED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bitFlips")
  void oneFlippedBitAnywhereIsRefused(String where, long at, String type) throws Exception {
    Path out = encryptedBy(RSA_PLAIN);
    flipByte(out, at >= 0 ? at : Files.size(out) + at);
    BackupDecryptionException e =
        assertThrows(BackupDecryptionException.class, () -> decryptWith(out, secretKey(RSA_PLAIN)));
    assertEquals(type, e.type(), where + ": " + e.getMessage());
  }

  @Test
  void refusesAnEmptyObject() throws Exception {
    Path out = write("empty.gpg", new byte[0]);
    BackupDecryptionException e =
        assertThrows(BackupDecryptionException.class, () -> decryptWith(out, secretKey(RSA_PLAIN)));
    assertEquals(FailureTypes.NOT_OPENPGP, e.type());
  }

  private Path encryptedBy(String key) throws IOException {
    Path in = write("plain.bin", plaintext);
    Path out = dir.resolve("cipher.gpg");
    gpg.encrypt(in, out, List.of(key), false, true);
    return out;
  }

  private static byte[] decryptWith(Path cipher, PrivateKeyMaterial key) throws Exception {
    ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
    try (key;
        InputStream in = Files.newInputStream(cipher)) {
      OpenPgpDecryptor.decrypt(in, key, decrypted, bytes -> {});
    }
    return decrypted.toByteArray();
  }

  private static PrivateKeyMaterial secretKey(String key) {
    boolean protectedKey = !key.equals(RSA_PLAIN) && !key.equals(OTHER);
    return new PrivateKeyMaterial(
        gpg.exportSecretKey(key, protectedKey ? PASSPHRASE : null, true),
        protectedKey ? PASSPHRASE.toCharArray() : null,
        "gpg export of " + key);
  }

  private Path write(String name, byte[] content) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, content);
    return file;
  }

  private static void flipByte(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= 0x5a;
    Files.write(file, bytes);
  }
}
