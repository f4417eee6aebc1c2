package com.flowviz.dr.activities.workhost;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The private directory where restores keep their files on this host: one subdirectory per
 * workflow, everything mode 0700/0600, so a decrypted backup is never readable by other users.
 */
public final class WorkDirectory {

  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");

  private final Path root;

  public WorkDirectory(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The directory of one workflow's files, created private if absent. */
  public Path forWorkflow(String workflowId) {
    Path dir = root.resolve(safeName(workflowId));
    createPrivateDirectory(root);
    createPrivateDirectory(dir);
    return dir;
  }

  /**
   * Whether a path lies inside this work directory (a guard on paths passed between activities).
   */
  public boolean contains(Path path) {
    return path.toAbsolutePath().normalize().startsWith(root);
  }

  /** Opens a file for writing, creating it with mode 0600, appending when {@code append}. */
  public static OutputStream openPrivate(Path file, boolean append) throws IOException {
    if (!Files.exists(file)) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
      } catch (FileAlreadyExistsException ignored) {
        // created between the check and here: it is ours, opened below
      }
    }
    Files.setPosixFilePermissions(file, OWNER_FILE);
    return Files.newOutputStream(
        file,
        StandardOpenOption.WRITE,
        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * Refuses work that would not fit in {@code dir}, before any byte is written: a full disk found
   * hours into a download is a longer outage, and no retry on this host makes room.
   *
   * @param needed bytes the work will still write there
   * @param what what they are, for the message ("backup s3://... (2 GB): ciphertext and plaintext")
   */
  public static void requireFreeSpace(Path dir, long needed, String what) {
    long free;
    try {
      free = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the free space of " + dir + ": " + e.getMessage(), e);
    }
    if (free < needed) {
      throw NonRetryable.failure(
          FailureTypes.DISK_FULL,
          "Not enough free space on this worker for "
              + what
              + ": it needs about "
              + needed
              + " bytes ("
              + human(needed)
              + ") in "
              + dir
              + ", which has "
              + free
              + " bytes ("
              + human(free)
              + ") free. Free space there or set flowviz.worker.work-directory to a larger volume,"
              + " then start the restore again. Nothing was downloaded.");
    }
  }

  private static String human(long bytes) {
    if (bytes < 1024 * 1024) {
      return (bytes / 1024) + " KiB";
    }
    return bytes < 1024L * 1024 * 1024
        ? (bytes / (1024 * 1024)) + " MiB"
        : String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }

  /** Removes a workflow's files. Returns how many were removed. */
  public int discard(String workflowId) {
    return deleteTree(root.resolve(safeName(workflowId)));
  }

  static int deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      int[] count = {0};
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  if (Files.deleteIfExists(p) && !p.equals(dir)) {
                    count[0]++;
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      return count[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void createPrivateDirectory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
      }
      Files.setPosixFilePermissions(dir, OWNER_DIR);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot prepare the private work directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Workflow ids may hold any character; file names get a safe form plus a hash against collisions.
   */
  static String safeName(String workflowId) {
    String cleaned = workflowId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (cleaned.length() > 100) {
      cleaned = cleaned.substring(0, 100);
    }
    return cleaned + "-" + Integer.toHexString(workflowId.hashCode());
  }
}
