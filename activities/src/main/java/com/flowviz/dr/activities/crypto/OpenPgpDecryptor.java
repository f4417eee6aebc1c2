package com.flowviz.dr.activities.crypto;

import com.flowviz.dr.workflows.FailureTypes;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;

/**
 * Decrypts what {@code gpg --encrypt} writes with its defaults, or what we write: armored or
 * binary, compressed or not, to a primary key or a subkey, one recipient or several. Refuses
 * messages without integrity protection and fails on any tampering.
 */
public final class OpenPgpDecryptor {

  private static final int BUFFER = 1 << 16;

  /** What decryption found. */
  public record Outcome(
      long plaintextBytes, String keyId, boolean compressed, String literalFileName) {}

  private OpenPgpDecryptor() {}

  /**
   * @param progress receives the number of encrypted bytes consumed so far
   */
  public static Outcome decrypt(
      InputStream encrypted, PrivateKeyMaterial key, OutputStream plaintext, LongConsumer progress)
      throws BackupDecryptionException, IOException {
    Opened opened = open(encrypted, key, progress);
    long written = 0;
    try {
      try (InputStream data = opened.literal()) {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = data.read(buffer)) > 0) {
          try {
            plaintext.write(buffer, 0, n);
          } catch (IOException writeFailure) {
            throw new SinkFailure(writeFailure);
          }
          written += n;
        }
      }
      // Whatever follows the literal data (signatures of a signed message) is read so that the
      // integrity check covers the whole message.
      for (Object rest = opened.factory().nextObject();
          rest != null;
          rest = opened.factory().nextObject()) {
        if (!(rest instanceof PGPSignatureList)) {
          break;
        }
      }
    } catch (SinkFailure e) {
      // Writing the plaintext failed (disk full, or the caller refused the content): not a crypto
      // problem.
      throw e.getCause();
    } catch (EOFException e) {
      throw truncated(opened.counted().count());
    } catch (IOException | RuntimeException e) {
      throw damaged(e, opened.counted().count());
    }
    verifyIntegrity(opened.data(), opened.counted().count());
    return new Outcome(
        written,
        OpenPgpKeys.keyId(opened.secretKey().getKeyID()),
        opened.compressed(),
        opened.fileName());
  }

  /**
   * The first bytes of the plaintext, from the first bytes of the message: enough to read a pg_dump
   * header before downloading the rest. Integrity cannot be checked on a prefix.
   */
  public static byte[] readPrefix(InputStream encryptedPrefix, PrivateKeyMaterial key, int length)
      throws BackupDecryptionException, IOException {
    Opened opened = open(encryptedPrefix, key, bytes -> {});
    try (InputStream data = opened.literal()) {
      return data.readNBytes(length);
    } catch (EOFException e) {
      throw truncated(opened.counted().count());
    } catch (IOException | RuntimeException e) {
      if (isTruncation(e)) {
        throw truncated(opened.counted().count());
      }
      throw damaged(e, opened.counted().count());
    }
  }

  private record Opened(
      PGPPublicKeyEncryptedData data,
      PGPSecretKey secretKey,
      JcaPGPObjectFactory factory,
      InputStream literal,
      boolean compressed,
      String fileName,
      CountingInputStream counted) {}

  private static Opened open(InputStream encrypted, PrivateKeyMaterial key, LongConsumer progress)
      throws BackupDecryptionException, IOException {
    OpenPgpKeys.init();
    PGPSecretKeyRingCollection secretKeys;
    try {
      secretKeys = OpenPgpKeys.secretKeys(key.exportedKey());
    } catch (PGPException | IOException | RuntimeException e) {
      throw new BackupDecryptionException(
          FailureTypes.KEY_UNAVAILABLE,
          "The backup private key from "
              + key.source()
              + " is not an OpenPGP secret key"
              + " (expected the output of gpg --export-secret-keys).");
    }
    if (secretKeys.size() == 0) {
      throw new BackupDecryptionException(
          FailureTypes.KEY_UNAVAILABLE,
          "The key from " + key.source() + " holds no secret key (a public key was stored?).");
    }

    CountingInputStream counted =
        new CountingInputStream(new BufferedInputStream(encrypted, BUFFER), progress);
    PGPEncryptedDataList list = encryptedDataList(counted);
    Recipient recipient = findRecipient(list, secretKeys, key);

    PGPPrivateKey privateKey = extractPrivateKey(recipient.secretKey, key);
    InputStream clear;
    try {
      clear =
          recipient.data.getDataStream(
              new CfbFromEcbDecryptorFactory(
                  new JcePublicKeyDataDecryptorFactoryBuilder()
                      .setProvider(OpenPgpKeys.BC)
                      .build(privateKey)));
    } catch (PGPException | RuntimeException e) {
      throw new BackupDecryptionException(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "The session key of the backup could not be decrypted with key "
              + OpenPgpKeys.keyId(recipient.secretKey.getKeyID())
              + ": the object is damaged or was tampered with ("
              + e.getMessage()
              + ").");
    }

    try {
      JcaPGPObjectFactory factory = new JcaPGPObjectFactory(clear);
      Object message = factory.nextObject();
      boolean compressed = false;
      if (message instanceof PGPCompressedData compressedData) {
        compressed = true;
        factory = new JcaPGPObjectFactory(compressedData.getDataStream());
        message = factory.nextObject();
      }
      if (message instanceof PGPOnePassSignatureList) {
        message = factory.nextObject();
      }
      if (!(message instanceof PGPLiteralData literal)) {
        throw new BackupDecryptionException(
            FailureTypes.BACKUP_CORRUPT,
            "The decrypted backup holds no literal data packet (found "
                + (message == null ? "nothing" : message.getClass().getSimpleName())
                + "); it is damaged or not a file encrypted with gpg --encrypt.");
      }
      return new Opened(
          recipient.data,
          recipient.secretKey,
          factory,
          literal.getInputStream(),
          compressed,
          literal.getFileName(),
          counted);
    } catch (EOFException e) {
      throw truncated(counted.count());
    } catch (IOException | PGPException | RuntimeException e) {
      if (isTruncation(e)) {
        throw truncated(counted.count());
      }
      throw damaged(e, counted.count());
    }
  }

  private static BackupDecryptionException damaged(Exception e, long consumed) {
    if (isTruncation(e)) {
      return truncated(consumed);
    }
    return new BackupDecryptionException(
        FailureTypes.BACKUP_INTEGRITY_FAILED,
        "The backup could not be decrypted past byte "
            + consumed
            + ": the data is damaged or was tampered"
            + " with ("
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + "). Do not use it; restore another backup.");
  }

  /**
   * Reads the key and unlocks every encryption subkey with the passphrase, as a decryption would:
   * the "have credentials ready" check of runbook section 3. Returns the key ids.
   */
  public static List<String> unlockEncryptionKeys(PrivateKeyMaterial key)
      throws BackupDecryptionException {
    OpenPgpKeys.init();
    PGPSecretKeyRingCollection secretKeys;
    try {
      secretKeys = OpenPgpKeys.secretKeys(key.exportedKey());
    } catch (PGPException | IOException | RuntimeException e) {
      throw new BackupDecryptionException(
          FailureTypes.KEY_UNAVAILABLE,
          "The backup private key from " + key.source() + " is not an OpenPGP secret key.");
    }
    List<String> ids = new ArrayList<>();
    for (PGPSecretKeyRing ring : secretKeys) {
      for (PGPSecretKey secret : ring) {
        if (secret.getPublicKey().isEncryptionKey() && !secret.isPrivateKeyEmpty()) {
          extractPrivateKey(secret, key);
          ids.add(OpenPgpKeys.keyId(secret.getKeyID()));
        }
      }
    }
    if (ids.isEmpty()) {
      throw new BackupDecryptionException(
          FailureTypes.KEY_UNAVAILABLE,
          "The key from " + key.source() + " holds no usable encryption key.");
    }
    return ids;
  }

  private static PGPEncryptedDataList encryptedDataList(InputStream in)
      throws BackupDecryptionException {
    try {
      InputStream decoded = PGPUtil.getDecoderStream(in);
      JcaPGPObjectFactory factory = new JcaPGPObjectFactory(decoded);
      Object first = factory.nextObject();
      while (first instanceof PGPMarker) {
        first = factory.nextObject();
      }
      if (first instanceof PGPEncryptedDataList list) {
        return list;
      }
      throw new BackupDecryptionException(
          FailureTypes.NOT_OPENPGP,
          first == null
              ? "The backup object is empty or holds no OpenPGP packets."
              : "The backup object is an OpenPGP "
                  + first.getClass().getSimpleName()
                  + ", not an encrypted message; it was not written by gpg --encrypt.");
    } catch (IOException | RuntimeException e) {
      if (endedEarly(e)) {
        // Packets began but stopped inside the header: an upload or copy that was cut short.
        throw new BackupDecryptionException(
            FailureTypes.BACKUP_CORRUPT,
            "The backup object is truncated: it ends inside its OpenPGP header ("
                + e.getMessage()
                + "). An upload or"
                + " copy was cut short; restore another backup and check the backup job's log.");
      }
      throw new BackupDecryptionException(
          FailureTypes.NOT_OPENPGP,
          "The backup object is not OpenPGP data ("
              + e.getMessage()
              + "). Backups are written by `pg_dump -Fc | gpg"
              + " --encrypt`; check that the right object was chosen.");
    }
  }

  private static boolean endedEarly(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof EOFException
          || message.contains("premature end")
          || message.contains("unexpected end")) {
        return true;
      }
    }
    return false;
  }

  private record Recipient(PGPPublicKeyEncryptedData data, PGPSecretKey secretKey) {}

  private static Recipient findRecipient(
      PGPEncryptedDataList list, PGPSecretKeyRingCollection secretKeys, PrivateKeyMaterial key)
      throws BackupDecryptionException {
    List<String> recipients = new ArrayList<>();
    PGPPublicKeyEncryptedData anonymous = null;
    for (PGPEncryptedData data : list) {
      if (data instanceof PGPPublicKeyEncryptedData publicKeyData) {
        long id = publicKeyData.getKeyID();
        if (id == 0) {
          anonymous = publicKeyData;
          recipients.add("(hidden recipient)");
          continue;
        }
        recipients.add(OpenPgpKeys.keyId(id));
        PGPSecretKey secret = secretKeys.getSecretKey(id);
        if (secret != null) {
          return new Recipient(publicKeyData, secret);
        }
      } else {
        recipients.add("a passphrase (symmetric encryption)");
      }
    }
    if (anonymous != null) {
      // gpg --throw-keyids hides the recipient: the first of our encryption keys is the candidate.
      for (PGPSecretKeyRing ring : secretKeys) {
        for (PGPSecretKey secret : ring) {
          if (secret.getPublicKey().isEncryptionKey() && !secret.isMasterKey()) {
            return new Recipient(anonymous, secret);
          }
        }
      }
    }
    throw new BackupDecryptionException(
        FailureTypes.DECRYPTION_KEY_MISMATCH,
        "The backup is encrypted for key "
            + String.join(", ", recipients)
            + ", but the configured private key ("
            + key.source()
            + ") holds "
            + ourKeyIds(secretKeys)
            + ". Configure the backup key the object was"
            + " encrypted to (runbook section 8: gpg --list-keys backup@flowviz.com).");
  }

  private static String ourKeyIds(PGPSecretKeyRingCollection secretKeys) {
    List<String> ids = new ArrayList<>();
    for (PGPSecretKeyRing ring : secretKeys) {
      Iterator<PGPSecretKey> keys = ring.getSecretKeys();
      while (keys.hasNext()) {
        ids.add(OpenPgpKeys.keyId(keys.next().getKeyID()));
      }
    }
    return ids.stream().collect(Collectors.joining(", "));
  }

  private static PGPPrivateKey extractPrivateKey(PGPSecretKey secret, PrivateKeyMaterial key)
      throws BackupDecryptionException {
    if (secret.isPrivateKeyEmpty()) {
      throw new BackupDecryptionException(
          FailureTypes.KEY_UNAVAILABLE,
          "The private part of key "
              + OpenPgpKeys.keyId(secret.getKeyID())
              + " is not in "
              + key.source()
              + " (a stub, e.g. a key on a smartcard). Export the full secret key.");
    }
    boolean protectedKey = secret.getS2KUsage() != 0;
    if (protectedKey && (key.passphrase() == null || key.passphrase().length == 0)) {
      throw new BackupDecryptionException(
          FailureTypes.DECRYPTION_PASSPHRASE_WRONG,
          "Key "
              + OpenPgpKeys.keyId(secret.getKeyID())
              + " is protected by a passphrase, but none is configured. Store it in the passphrase"
              + " secret (default flowviz/backup/gpg-passphrase) or passphrase file.");
    }
    try {
      PBESecretKeyDecryptor decryptor =
          new JcePBESecretKeyDecryptorBuilder(OpenPgpKeys.s2kDigests())
              .setProvider(OpenPgpKeys.BC)
              .build(protectedKey ? key.passphrase() : new char[0]);
      return secret.extractPrivateKey(decryptor);
    } catch (PGPException | RuntimeException e) {
      throw new BackupDecryptionException(
          FailureTypes.DECRYPTION_PASSPHRASE_WRONG,
          "The passphrase does not unlock key "
              + OpenPgpKeys.keyId(secret.getKeyID())
              + " from "
              + key.source()
              + ". Check the passphrase secret; nothing was changed.");
    }
  }

  private static void verifyIntegrity(PGPPublicKeyEncryptedData data, long consumed)
      throws BackupDecryptionException, IOException {
    if (!data.isIntegrityProtected()) {
      throw new BackupDecryptionException(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "The backup is encrypted without integrity protection (no MDC), so tampering could not be"
              + " detected. It is refused; re-encrypt it with a current gpg.");
    }
    try {
      if (!data.verify()) {
        throw new BackupDecryptionException(
            FailureTypes.BACKUP_INTEGRITY_FAILED,
            "The backup failed its integrity check (MDC mismatch): it was altered after encryption."
                + " Do not use it; restore another backup.");
      }
    } catch (EOFException e) {
      throw truncated(consumed);
    } catch (PGPException e) {
      throw new BackupDecryptionException(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "The backup's integrity check could not be completed: " + e.getMessage());
    }
  }

  private static boolean isTruncation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EOFException) {
        return true;
      }
      String message = t.getMessage();
      if (message != null
          && (message.contains("premature end")
              || message.contains("unexpected end")
              || message.contains("truncated"))) {
        return true;
      }
    }
    return false;
  }

  private static BackupDecryptionException truncated(long consumed) {
    return new BackupDecryptionException(
        FailureTypes.BACKUP_CORRUPT,
        "The backup ends early, after "
            + consumed
            + " encrypted bytes: the object is truncated (an interrupted"
            + " upload?). Restore another backup.");
  }

  /** Carries a failure of the plaintext sink past the handlers for decryption failures. */
  private static final class SinkFailure extends RuntimeException {
    SinkFailure(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  /** Counts the bytes read and reports them. */
  private static final class CountingInputStream extends FilterInputStream {
    private final LongConsumer progress;
    private long count;

    CountingInputStream(InputStream in, LongConsumer progress) {
      super(in);
      this.progress = progress;
    }

    long count() {
      return count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
        progress.accept(count);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }
}
