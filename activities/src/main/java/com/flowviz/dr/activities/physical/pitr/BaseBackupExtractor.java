package com.flowviz.dr.activities.physical.pitr;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.crypto.BackupDecryptionException;
import com.flowviz.dr.activities.crypto.OpenPgpDecryptor;
import com.flowviz.dr.activities.crypto.PrivateKeyMaterial;
import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.physical.BaseBackupCompression;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.StoredObject;
import com.flowviz.dr.workflows.FailureTypes;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
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

  private static final int PIPE = 4 << 20;
  private static final int BUFFER = 1 << 16;

  private final BackupStore store;
  private final PrivateKeySource keys;

  BaseBackupExtractor(BackupStore store, PrivateKeySource keys) {
    this.store = store;
    this.keys = keys;
  }

  /** What was extracted. */
  record Extracted(long encryptedBytes, long tarBytes, String tarSha256) {}

  /**
   * @param progress receives the encrypted bytes read so far
   */
  Extracted extract(
      String bucket,
      StoredObject data,
      BaseBackupManifest manifest,
      Path directory,
      List<String> tarCommand,
      LongConsumer progress)
      throws IOException, InterruptedException {
    String where = "s3://" + bucket + "/" + data.key();
    MessageDigest ciphertextDigest = sha256();
    Process tar =
        new ProcessBuilder(tarCommand)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    PipedInputStream compressed = new PipedInputStream(PIPE);
    PipedOutputStream decrypted = new PipedOutputStream(compressed);
    CompletableFuture<Void> decryption;
    long tarBytes = 0;
    MessageDigest tarDigest = sha256();
    try (WatchedSource object = new WatchedSource(store.read(bucket, data.key(), 0, data.etag()));
        DigestInputStream digesting = new DigestInputStream(object, ciphertextDigest)) {
      decryption =
          CompletableFuture.runAsync(
              () -> decrypt(where, digesting, object, decrypted, progress), daemonExecutor());
      boolean zstd =
          BaseBackupCompression.named(manifest.compression()) == BaseBackupCompression.ZSTD;
      IOException copyFailure = null;
      try (InputStream plain =
              zstd ? new ZstdInputStream(new BufferedInputStream(compressed, BUFFER)) : compressed;
          OutputStream toTar = tar.getOutputStream()) {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = plain.read(buffer)) > 0) {
          tarDigest.update(buffer, 0, n);
          toTar.write(buffer, 0, n);
          tarBytes += n;
        }
      } catch (IOException e) {
        // Closing the pipe's reading end (above) releases a decryption blocked on a full pipe.
        copyFailure = e;
      }
      try {
        awaitDecryption(decryption);
      } catch (io.temporal.failure.ApplicationFailure refused) {
        throw refused; // the integrity check or the key: the cause of whatever followed
      } catch (RuntimeException | IOException e) {
        if (copyFailure != null) {
          throw copyFailure;
        }
        throw e;
      }
      if (copyFailure != null) {
        throw copyFailure;
      }
    } finally {
      if (!tar.waitFor(5, TimeUnit.MINUTES)) {
        tar.destroyForcibly();
      }
    }
    if (tar.exitValue() != 0) {
      throw new IOException(
          "tar -x into " + directory + " exited with " + tar.exitValue() + " (disk full?)");
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
    String tarSha256 = HexFormat.of().formatHex(tarDigest.digest());
    if (manifest.tarSha256() != null && !tarSha256.equalsIgnoreCase(manifest.tarSha256())) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          where
              + " decrypts to a tar with SHA-256 "
              + tarSha256
              + ", not the manifest's "
              + manifest.tarSha256()
              + ". Nothing was started; choose another base backup.");
    }
    return new Extracted(data.size(), tarBytes, tarSha256);
  }

  private void decrypt(
      String where,
      InputStream in,
      WatchedSource download,
      PipedOutputStream out,
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
          e.type(), where + " cannot be decrypted: " + e.getMessage() + ". Nothing was started.");
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
