package com.flowviz.dr.activities.physical.wal;

import com.flowviz.dr.activities.crypto.BackupDecryptionException;
import com.flowviz.dr.activities.crypto.DetachedSignature;
import com.flowviz.dr.activities.crypto.OpenPgpDecryptor;
import com.flowviz.dr.activities.crypto.PrivateKeyMaterial;
import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.crypto.TrustedSigner;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.storage.BackupStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * restore_command's work for one WAL file: get its object, prove it was signed by a trusted signer,
 * decrypt it, check the plaintext against the SHA-256 recorded when it was archived, and write it
 * where PostgreSQL asked, whole or not at all (temp file, fsync, rename). A file that is not in the
 * archive is {@link Outcome#MISSING}: PostgreSQL asks for files that do not exist (the next
 * timeline's history, the segment after the last one) and that is how recovery finds its end.
 */
public final class WalFetch {

  /** What the archive had. */
  public enum Outcome {
    FETCHED,
    MISSING
  }

  /**
   * The archive has the file but it cannot be trusted (unsigned, signed by an unknown key, damaged,
   * not matching its digest) or read (no key): recovery must stop, not treat it as the end of WAL.
   */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  private final BackupStore store;
  private final String bucket;
  private final PrivateKeySource keys;
  private final TrustedSigners signers;

  public WalFetch(BackupStore store, String bucket, PrivateKeySource keys, TrustedSigners signers) {
    this.store = store;
    this.bucket = bucket;
    this.keys = keys;
    this.signers = signers;
  }

  /** Where a file goes once it is proven authentic and decrypted: whole or not at all. */
  @FunctionalInterface
  public interface Destination {
    void write(byte[] plaintext) throws IOException;
  }

  /**
   * @param name {@code %f}
   * @param target {@code %p}: where PostgreSQL wants the file, relative to the data directory
   */
  public Outcome fetch(String name, Path target, String systemIdentifier)
      throws IOException, Refused {
    return fetch(name, systemIdentifier, plaintext -> writeAtomically(target, plaintext));
  }

  /**
   * The same checks, the file handed to {@code destination} (the resident archiver writes it
   * itself, under the requesting cluster's data directory only).
   */
  public Outcome fetch(String name, String systemIdentifier, Destination destination)
      throws IOException, Refused {
    String key;
    try {
      key = PhysicalArchiveLayout.walKey(systemIdentifier, name);
    } catch (IllegalArgumentException e) {
      // PostgreSQL asks only for WAL names; anything else cannot be in the archive.
      return Outcome.MISSING;
    }
    Optional<BackupStore.SmallObject> found = store.readSmallWithMetadata(bucket, key);
    if (found.isEmpty()) {
      return Outcome.MISSING;
    }
    String where = "s3://" + bucket + "/" + key;
    byte[] ciphertext = found.get().content();
    verifySignature(where, ciphertext, found.get().metadata().get(WalObjects.SIGNATURE_METADATA));
    String recorded = found.get().metadata().get(WalObjects.SHA256_METADATA);
    if (recorded == null) {
      throw new Refused(
          where
              + " has no "
              + WalObjects.SHA256_METADATA
              + " metadata: flowviz-dr did not write it");
    }
    byte[] plaintext = decrypt(where, ciphertext);
    String sha256 = PlaintextDigest.sha256(plaintext);
    if (!sha256.equals(recorded)) {
      throw new Refused(
          where
              + " decrypts to content with SHA-256 "
              + sha256
              + " but was archived with "
              + recorded
              + ": the archive is damaged or was tampered with. Recovery stops here; restore to a"
              + " point before this segment or investigate the bucket's access log.");
    }
    if (PhysicalArchiveLayout.holdsWalPages(name)) {
      Optional<String> segmentSystem = ClusterIdentity.ofSegment(plaintext);
      if (segmentSystem.isPresent() && !segmentSystem.get().equals(systemIdentifier)) {
        throw new Refused(
            where
                + " holds a segment of cluster "
                + segmentSystem.get()
                + ", not of "
                + systemIdentifier);
      }
    }
    destination.write(plaintext);
    return Outcome.FETCHED;
  }

  private void verifySignature(String where, byte[] ciphertext, String encoded) throws Refused {
    if (!signers.configured()) {
      throw new Refused(
          "No trusted signers are configured (FLOWVIZ_GPG_SIGNER_PUBLIC_KEY_FILE,"
              + " FLOWVIZ_GPG_TRUSTED_SIGNERS_FILE or FLOWVIZ_GPG_TRUSTED_SIGNERS_SECRET_ID), so"
              + " "
              + where
              + " cannot be proven authentic; restore replays only WAL flowviz-dr signed.");
    }
    if (encoded == null) {
      throw new Refused(where + " carries no signature (" + WalObjects.SIGNATURE_METADATA + ")");
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(encoded.strip());
    } catch (IllegalArgumentException e) {
      throw new Refused(where + "'s " + WalObjects.SIGNATURE_METADATA + " is not base64");
    }
    List<TrustedSigner> trusted;
    try {
      trusted = signers.load();
    } catch (TrustedSigners.Unreadable e) {
      throw new Refused(e.getMessage());
    }
    try {
      DetachedSignature.verify(ciphertext, signature, trusted);
    } catch (DetachedSignature.Invalid e) {
      throw new Refused(
          where + " is refused: " + e.getMessage() + ". It was not archived by flowviz-dr as is.");
    } catch (IOException e) {
      throw new Refused(where + "'s signature cannot be checked: " + e.getMessage());
    }
  }

  private byte[] decrypt(String where, byte[] ciphertext) throws Refused, IOException {
    ByteArrayOutputStream plaintext = new ByteArrayOutputStream(16 << 20);
    try (PrivateKeyMaterial key = keys.load()) {
      OpenPgpDecryptor.decrypt(new ByteArrayInputStream(ciphertext), key, plaintext, n -> {});
    } catch (PrivateKeySource.KeyUnavailableException e) {
      throw new Refused(e.getMessage());
    } catch (BackupDecryptionException e) {
      throw new Refused(where + " cannot be decrypted: " + e.getMessage());
    }
    return plaintext.toByteArray();
  }

  private static void writeAtomically(Path target, byte[] content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path temp = absolute.resolveSibling(absolute.getFileName() + ".flowviz-fetch");
    try (FileChannel out =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
