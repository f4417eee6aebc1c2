package com.flowviz.dr.worker.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Where the resident archiver may write a fetched WAL file: {@code pg_wal/<leaf>} of the data
 * directory of a cluster in recovery that its own user owns, and nowhere else. PostgreSQL runs
 * restore_command in the data directory with {@code %p} = {@code pg_wal/RECOVERYXLOG} (segments),
 * {@code pg_wal/RECOVERYHISTORY} (timeline history) or, for some callers, {@code pg_wal/%f}; the
 * wrapper sends its working directory. A cluster asking for WAL is in recovery, so its data
 * directory holds {@code recovery.signal} or {@code standby.signal}: a request naming any other
 * directory (or a path with a symbolic link in it, or a target of another shape) is refused before
 * anything is read from the bucket.
 */
final class FetchTarget {

  private static final Set<String> RECOVERY_NAMES = Set.of("RECOVERYXLOG", "RECOVERYHISTORY");

  /** The request names a place the archiver does not write to. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private final Path dataDirectory;
  private final Path file;

  private FetchTarget(Path dataDirectory, Path file) {
    this.dataDirectory = dataDirectory;
    this.file = file;
  }

  Path dataDirectory() {
    return dataDirectory;
  }

  /**
   * @param directory the client's working directory (absolute, as {@code pwd -P} gives it)
   * @param target {@code %p}
   * @param name {@code %f}
   */
  static FetchTarget of(String directory, String target, String name) throws Refused {
    if (!target.startsWith("pg_wal/")) {
      throw new Refused(
          target + " is not pg_wal/<file> of the data directory restore_command runs in");
    }
    String leaf = target.substring("pg_wal/".length());
    if (!RECOVERY_NAMES.contains(leaf) && !leaf.equals(name)) {
      throw new Refused(
          target + " is not pg_wal/RECOVERYXLOG, pg_wal/RECOVERYHISTORY or pg_wal/" + name);
    }
    Path dir = Path.of(directory);
    try {
      if (!dir.isAbsolute() || !dir.toRealPath().equals(dir)) {
        throw new Refused(directory + " is not an absolute path without symbolic links");
      }
      if (!Files.isRegularFile(dir.resolve("global/pg_control"), LinkOption.NOFOLLOW_LINKS)
          || !Files.isRegularFile(dir.resolve("PG_VERSION"), LinkOption.NOFOLLOW_LINKS)) {
        throw new Refused(directory + " is not a PostgreSQL data directory");
      }
      if (!Files.exists(dir.resolve("recovery.signal"), LinkOption.NOFOLLOW_LINKS)
          && !Files.exists(dir.resolve("standby.signal"), LinkOption.NOFOLLOW_LINKS)) {
        throw new Refused(directory + " is not in recovery (no recovery.signal or standby.signal)");
      }
      String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
      if (!owner.equals(System.getProperty("user.name"))) {
        throw new Refused(directory + " belongs to " + owner + ", not to the archiver's user");
      }
      // pg_wal may be a link to another disk (initdb -X); the file in it must not be a directory.
      Path file = dir.resolve("pg_wal").resolve(leaf);
      if (!Files.isDirectory(dir.resolve("pg_wal")) || Files.isDirectory(file)) {
        throw new Refused(target + " cannot be written in " + directory);
      }
      return new FetchTarget(dir, file);
    } catch (IOException e) {
      throw new Refused(directory + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * Writes the file whole (a temporary file of its own beside it, fsync, rename), unless the
   * deadline passed first: then the client has stopped waiting and may have fetched it with the
   * one-shot JVM, and a late rename could put one file's bytes where PostgreSQL now expects the
   * next one's.
   *
   * @param unique a part of the temporary file's name no other fetch uses (the request's nonce)
   */
  void write(byte[] content, String unique, long deadlineNanos) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".flowviz-fetch-" + unique);
    try {
      try (FileChannel out =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new IOException(
            "took longer than half of the client's wait; not written (the client fetches it with"
                + " the one-shot JVM)");
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
