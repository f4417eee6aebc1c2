package com.flowviz.dr.activities.storage;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.postgres.ClusterGlobals;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a backup object into a work directory as {@code backup.gpg}, appending to the {@code
 * backup.gpg.part} an earlier attempt left, so a retry after a crash resumes where the file ends (a
 * ranged GET from there; the ETag pins the object). Renamed when complete.
 */
public final class ResumableDownload {

  private static final Logger log = LoggerFactory.getLogger(ResumableDownload.class);

  /** The downloaded object in the work directory; {@code .part} while it is being written. */
  public static final String CIPHERTEXT_FILE = "backup.gpg";

  private static final int COPY_BUFFER = 1 << 20;

  private ResumableDownload() {}

  public static Path partFile(Path dir) {
    return dir.resolve(CIPHERTEXT_FILE + ".part");
  }

  public static Path doneFile(Path dir) {
    return dir.resolve(CIPHERTEXT_FILE);
  }

  /**
   * @param progress told the bytes on disk after each chunk (a heartbeat)
   * @param stopped asked after each chunk; true ends the download with an InterruptedIOException
   */
  public static DownloadedBackup into(
      Path dir,
      BackupStores stores,
      BackupObject backup,
      LongConsumer progress,
      BooleanSupplier stopped) {
    Path done = doneFile(dir);
    Path part = partFile(dir);
    try {
      fetchGlobals(dir, stores, backup);
      if (Files.isRegularFile(done) && Files.size(done) == backup.sizeBytes()) {
        return new DownloadedBackup(
            backup.key(), done.toString(), backup.sizeBytes(), sha256(done), backup.sizeBytes());
      }
      long offset = Files.isRegularFile(part) ? Files.size(part) : 0;
      if (offset > backup.sizeBytes()) {
        Files.delete(part);
        offset = 0;
      }
      long resumedFrom = offset;
      // The rest of the ciphertext, and beside it the plaintext it decrypts to (a pg_dump archive
      // is compressed already, so about as large).
      WorkDirectory.requireFreeSpace(
          dir,
          (backup.sizeBytes() - offset) + backup.sizeBytes(),
          "the backup "
              + backup.uri()
              + " ("
              + backup.sizeBytes()
              + " bytes, downloaded encrypted and decrypted beside it)");
      if (offset > 0) {
        log.info(
            "Resuming download of {} at byte {} of {}", backup.uri(), offset, backup.sizeBytes());
      }
      MessageDigest digest = sha256Of(part, offset, progress);
      try (InputStream in =
              stores
                  .forRegion(backup.region())
                  .read(backup.bucket(), backup.key(), offset, backup.etag());
          OutputStream out = WorkDirectory.openPrivate(part, true)) {
        byte[] buffer = new byte[COPY_BUFFER];
        int n;
        while ((n = in.read(buffer)) > 0) {
          out.write(buffer, 0, n);
          digest.update(buffer, 0, n);
          offset += n;
          progress.accept(offset);
          if (stopped.getAsBoolean()) {
            throw new InterruptedIOException(
                "download of " + backup.uri() + " stopped at byte " + offset);
          }
        }
      }
      if (offset != backup.sizeBytes()) {
        // A dropped connection ends the stream early; the retry resumes from here.
        throw new IOException(
            "Download of "
                + backup.uri()
                + " stopped at byte "
                + offset
                + " of "
                + backup.sizeBytes());
      }
      Files.move(part, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return new DownloadedBackup(
          backup.key(),
          done.toString(),
          offset,
          HexFormat.of().formatHex(digest.digest()),
          resumedFrom);
    } catch (BackupStoreException.ObjectChanged e) {
      deleteQuietly(part);
      throw NonRetryable.failure(
          FailureTypes.BACKUP_CORRUPT,
          backup.uri()
              + " was replaced after this restore chose it (its ETag changed). Start the restore"
              + " again so that it resolves the backup anew.");
    } catch (BackupStoreException e) {
      throw BackupStorageActivitiesImpl.storeFailure(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The roles beside the backup ({@link ClusterGlobals#keyFor}), encrypted as it is, into the work
   * directory for the restore; a backup taken before globals were kept has none.
   */
  private static void fetchGlobals(Path dir, BackupStores stores, BackupObject backup)
      throws IOException {
    Path file = dir.resolve(ClusterGlobals.CIPHERTEXT_FILE);
    var globals =
        stores
            .forRegion(backup.region())
            .readSmall(backup.bucket(), ClusterGlobals.keyFor(backup.key()));
    if (globals.isPresent()) {
      try (OutputStream out = WorkDirectory.openPrivate(file, false)) {
        out.write(globals.get());
      }
    } else {
      Files.deleteIfExists(file);
    }
  }

  static String sha256(Path file) throws IOException {
    return HexFormat.of().formatHex(sha256Of(file, Files.size(file), b -> {}).digest());
  }

  /**
   * A digest already fed with the first {@code length} bytes of the file (for a resumed download).
   */
  private static MessageDigest sha256Of(Path file, long length, LongConsumer progress)
      throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (length == 0) {
      return digest;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[COPY_BUFFER];
      long remaining = length;
      while (remaining > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
        if (n < 0) {
          break;
        }
        digest.update(buffer, 0, n);
        remaining -= n;
        progress.accept(length - remaining);
      }
    }
    return digest;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // the workflow's cleanup removes the directory
    }
  }
}
