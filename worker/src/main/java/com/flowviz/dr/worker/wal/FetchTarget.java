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
 * directory of a running PostgreSQL server that its own user owns, and nowhere else. PostgreSQL
 * 15's startup process runs restore_command in the data directory with {@code %p} = {@code
 * pg_wal/RECOVERYXLOG} (segments) or {@code pg_wal/RECOVERYHISTORY} (timeline history); {@code
 * pg_wal/%f} is accepted too. The wrapper sends its working directory. So the directory must hold a
 * {@code postmaster.pid} naming a live process: not {@code recovery.signal}, which PostgreSQL
 * removes at the end of recovery before it fetches the parent timeline's history for the new one. A
 * request naming any other directory (or a path with a symbolic link in it, or a target of another
 * shape) is refused before anything is read from the bucket.
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

  /** False where this process may not write (a read-only mount, systemd's ReadOnlyPaths). */
  boolean writable() {
    return Files.isWritable(file.getParent());
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
      if (!runningServer(dir)) {
        throw new Refused(directory + " is not the data directory of a running server");
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

  /** Its postmaster.pid's first line is a live process (restore_command runs only in a server). */
  private static boolean runningServer(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
    if (!first.matches("[0-9]{1,10}")) {
      return false;
    }
    return ProcessHandle.of(Long.parseLong(first)).map(ProcessHandle::isAlive).orElse(false);
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
