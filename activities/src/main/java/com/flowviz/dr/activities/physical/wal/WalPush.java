package com.flowviz.dr.activities.physical.wal;

import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.storage.BackupStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * archive_command's work for one WAL file: read it, encrypt it, and put it create-only under the
 * cluster's prefix. It reports success only once the object is durable, or once an object with the
 * same plaintext is found there already (a retry after a kill or a lost answer re-encrypts the same
 * bytes: a different ciphertext, the same segment). A different plaintext under the name is a
 * {@link WalConflict}, and the archived object is never touched.
 */
public final class WalPush {

  /** How the file came to be in the archive. */
  public enum Outcome {
    /** This run wrote it. */
    ARCHIVED,
    /** An earlier run had written the same bytes. */
    ALREADY_ARCHIVED
  }

  /** A file this cluster must not archive (another cluster's segment, an unknown name). */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  private final BackupStore store;
  private final String bucket;
  private final RecipientKeys recipients;

  /**
   * @param store a store that signs what it writes ({@code SigningBackupStore})
   */
  public WalPush(BackupStore store, String bucket, RecipientKeys recipients) {
    this.store = store;
    this.bucket = bucket;
    this.recipients = recipients;
  }

  /**
   * @param file {@code %p}: the file, relative to the data directory
   * @param name {@code %f}: its name
   * @param systemIdentifier the cluster's, from its pg_control
   */
  public Outcome push(Path file, String name, String systemIdentifier)
      throws IOException, WalConflict, Refused, PrivateKeySource.KeyUnavailableException {
    String key;
    try {
      key = PhysicalArchiveLayout.walKey(systemIdentifier, name);
    } catch (IllegalArgumentException e) {
      throw new Refused(e.getMessage() + "; archive_command must be given %p and %f");
    }
    byte[] plaintext = Files.readAllBytes(file);
    if (PhysicalArchiveLayout.holdsWalPages(name)) {
      Optional<String> segmentSystem = ClusterIdentity.ofSegment(plaintext);
      if (segmentSystem.isEmpty()) {
        throw new Refused(file + " does not start with a WAL page header: it is not a WAL segment");
      }
      if (!segmentSystem.get().equals(systemIdentifier)) {
        throw new Refused(
            file
                + " belongs to the cluster with system identifier "
                + segmentSystem.get()
                + ", but this data directory's is "
                + systemIdentifier
                + ": a segment from another cluster was copied into pg_wal. Remove it from pg_wal"
                + " (and its archive_status/.ready file); it is not archived.");
      }
    }
    String sha256 = PlaintextDigest.sha256(plaintext);

    Optional<Map<String, String>> archived = store.metadata(bucket, key);
    if (archived.isPresent()) {
      return sameOrAlarm(key, archived.get(), sha256);
    }
    byte[] ciphertext = WalEncryption.encrypt(plaintext, recipients.load(), name);
    BackupStore.CreateOutcome written =
        store.createSmall(
            bucket,
            key,
            ciphertext,
            WalObjects.CONTENT_TYPE,
            Map.of(WalObjects.SHA256_METADATA, sha256));
    if (written == BackupStore.CreateOutcome.CREATED) {
      return Outcome.ARCHIVED;
    }
    // Another run (a retry racing a killed one) created it between our HEAD and PUT.
    Map<String, String> raced =
        store
            .metadata(bucket, key)
            .orElseThrow(
                () ->
                    new IOException(
                        "s3://"
                            + bucket
                            + "/"
                            + key
                            + " existed a moment ago and is gone now; retrying decides"));
    return sameOrAlarm(key, raced, sha256);
  }

  private Outcome sameOrAlarm(String key, Map<String, String> metadata, String sha256)
      throws WalConflict {
    String archivedSha256 = metadata.get(WalObjects.SHA256_METADATA);
    if (sha256.equals(archivedSha256)) {
      return Outcome.ALREADY_ARCHIVED;
    }
    throw new WalConflict(bucket, key, archivedSha256, sha256);
  }
}
