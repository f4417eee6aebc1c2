package com.flowviz.dr.activities.physical.pitr;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.crypto.BackupDecryptionException;
import com.flowviz.dr.activities.crypto.OpenPgpDecryptor;
import com.flowviz.dr.activities.crypto.PrivateKeyMaterial;
import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.physical.BaseBackupCompression;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.TarHeader;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.StoredObject;
import com.flowviz.dr.workflows.FailureTypes;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One base backup from S3 into a directory, never staged whole on disk: the object's bytes through
 * SHA-256 (against the signed manifest) into the OpenPGP decryption (its integrity check), then
 * zstd when the manifest says so, then SHA-256 of the tar (against the manifest again) into {@code
 * tar -x}. Any mismatch is a refusal after the fact; the caller removes the directory, which was
 * never started.
 */
final class BaseBackupExtractor {

  private static final int PIPE_CHUNK = 1 << 20;
  private static final int PIPE_CHUNKS = 4;
  private static final int BUFFER = 1 << 16;

  private final BackupStore store;
  private final PrivateKeySource keys;

  BaseBackupExtractor(BackupStore store, PrivateKeySource keys) {
    this.store = store;
    this.keys = keys;
  }

  /**
   * What was extracted.
   *
   * @param tarSha256 the whole tar's SHA-256, computed only when its files were not checked one by
   *     one (a manifest without SHA-2 checksums), else null
   * @param filesChecked the files whose bytes matched the signed backup_manifest as they streamed
   */
  record Extracted(
      long encryptedBytes, long tarBytes, String tarSha256, java.util.Set<String> filesChecked) {}

  /**
   * @param checks the signed backup_manifest's per-file checksums, or null to check the whole tar
   *     against the manifest's SHA-256 instead
   * @param progress receives the encrypted bytes read so far
   */
  Extracted extract(
      String bucket,
      StoredObject data,
      BaseBackupManifest manifest,
      Path directory,
      List<String> tarCommand,
      PgManifestChecksums checks,
      LongConsumer progress)
      throws IOException, InterruptedException {
    String where = "s3://" + bucket + "/" + data.key();
    MessageDigest ciphertextDigest = sha256();
    ChunkPipe pipe = new ChunkPipe(PIPE_CHUNK, PIPE_CHUNKS);
    InputStream compressed = pipe.input();
    OutputStream decrypted = pipe.output();
    CompletableFuture<Void> decryption;
    long tarBytes = 0;
    // Each file checked as it passes makes the whole tar's digest (a second SHA-256 of every byte,
    // on the thread that decompresses) redundant.
    MessageDigest tarDigest = checks == null ? sha256() : null;
    ParallelTarExtraction.ChecksumMismatch mismatch = null;
    java.util.Set<String> filesChecked;
    try (WatchedSource object = new WatchedSource(store.read(bucket, data.key(), 0, data.etag()));
        DigestInputStream digesting = new DigestInputStream(object, ciphertextDigest);
        ParallelTarExtraction tar =
            new ParallelTarExtraction(
                tarCommand,
                directory,
                ParallelTarExtraction.writersFor(Runtime.getRuntime().availableProcessors()),
                checks == null ? path -> java.util.Optional.empty() : checks::of)) {
      decryption =
          CompletableFuture.runAsync(
              () -> decrypt(where, digesting, object, decrypted, progress), daemonExecutor());
      boolean zstd =
          BaseBackupCompression.named(manifest.compression()) == BaseBackupCompression.ZSTD;
      IOException copyFailure = null;
      try (InputStream plain =
          zstd ? new ZstdInputStream(new BufferedInputStream(compressed, BUFFER)) : compressed) {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = plain.read(buffer)) > 0) {
          if (tarDigest != null) {
            tarDigest.update(buffer, 0, n);
          }
          tar.write(buffer, 0, n);
          tarBytes += n;
        }
        if (!tar.ended()) {
          throw new TarHeader.NotATar("the tar ends without its end-of-archive marker");
        }
        tar.finish();
      } catch (ParallelTarExtraction.ChecksumMismatch e) {
        // Closing the pipe's reading end (above) releases a decryption blocked on a full pipe.
        mismatch = e;
        copyFailure = e;
      } catch (IOException e) {
        copyFailure = e;
      }
      try {
        awaitDecryption(decryption);
      } catch (io.temporal.failure.ApplicationFailure refused) {
        throw refused; // the integrity check or the key: the cause of whatever followed
      } catch (RuntimeException | IOException e) {
        if (mismatch != null) {
          throw refusal(where, mismatch);
        }
        if (copyFailure != null) {
          throw damageOr(copyFailure, object, where);
        }
        throw e;
      }
      if (mismatch != null) {
        throw refusal(where, mismatch);
      }
      if (copyFailure != null) {
        throw damageOr(copyFailure, object, where);
      }
      filesChecked = tar.checked();
    }
    String sha256 = HexFormat.of().formatHex(ciphertextDigest.digest());
    if (!sha256.equalsIgnoreCase(manifest.sha256())) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          where
              + " has SHA-256 "
              + sha256
              + " but its signed manifest records "
              + manifest.sha256()
              + ": the object was replaced or damaged after the backup. Nothing was started; choose"
              + " another base backup (an earlier target) and find out who wrote the object.");
    }
    String tarSha256 = tarDigest == null ? null : HexFormat.of().formatHex(tarDigest.digest());
    if (tarSha256 != null
        && manifest.tarSha256() != null
        && !tarSha256.equalsIgnoreCase(manifest.tarSha256())) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          where
              + " decrypts to a tar with SHA-256 "
              + tarSha256
              + ", not the manifest's "
              + manifest.tarSha256()
              + ". Nothing was started; choose another base backup.");
    }
    return new Extracted(data.size(), tarBytes, tarSha256, filesChecked);
  }

  /**
   * Decrypted bytes that do not decompress, or are no tar, while the download itself went through:
   * the object was altered or damaged (OpenPGP's integrity check, at the message's end, would say
   * so too, after the whole download). A retry would read the same bytes: refused now.
   */
  private static IOException damageOr(
      IOException copyFailure, WatchedSource download, String where) {
    boolean damage =
        copyFailure instanceof com.github.luben.zstd.ZstdIOException
            || copyFailure instanceof TarHeader.NotATar;
    if (!damage || download.failure() != null) {
      return copyFailure;
    }
    throw NonRetryable.failure(
        FailureTypes.BACKUP_INTEGRITY_FAILED,
        where
            + " decrypts to bytes that are not the base backup's compressed tar ("
            + copyFailure.getMessage()
            + "): it was altered or damaged after the backup. Nothing was started; choose another"
            + " base backup (an earlier target) and find out who wrote the object.");
  }

  private static io.temporal.failure.ApplicationFailure refusal(
      String where, ParallelTarExtraction.ChecksumMismatch mismatch) {
    return NonRetryable.failure(
        FailureTypes.BACKUP_INTEGRITY_FAILED,
        "The base backup "
            + where
            + " is damaged: "
            + mismatch.getMessage()
            + ". Nothing was started; choose another base backup (an earlier target).");
  }

  private void decrypt(
      String where,
      InputStream in,
      WatchedSource download,
      OutputStream out,
      LongConsumer progress) {
    try (out;
        PrivateKeyMaterial key = keys.load()) {
      OpenPgpDecryptor.decrypt(in, key, out, progress);
    } catch (PrivateKeySource.KeyUnavailableException e) {
      throw NonRetryable.failure(FailureTypes.KEY_UNAVAILABLE, e.getMessage());
    } catch (BackupDecryptionException e) {
      if (download.failure() != null) {
        // The download broke off: retried, not a verdict on the backup.
        throw new java.io.UncheckedIOException(
            "the download of " + where + " broke off", download.failure());
      }
      throw NonRetryable.failure(
          e.type(),
          where
              + " cannot be decrypted: "
              + e.getMessage().replaceAll("\\.$", "")
              + ". Nothing was started.");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The decryption's own failure (integrity, key) before whatever it caused downstream. */
  private static void awaitDecryption(CompletableFuture<Void> decryption)
      throws IOException, InterruptedException {
    try {
      decryption.get(5, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("the decryption did not finish after the tar ended", e);
    }
  }

  private static java.util.concurrent.Executor daemonExecutor() {
    return r -> {
      Thread t = new Thread(r, "base-backup-decrypt");
      t.setDaemon(true);
      t.start();
    };
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
