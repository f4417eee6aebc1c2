package com.flowviz.dr.activities.physical.wal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The cluster's system identifier, which names its WAL prefix in the bucket. PostgreSQL runs the
 * archive and restore commands in the data directory, so {@code global/pg_control} is at hand: its
 * first field is the identifier (uint64, in the machine's byte order, little-endian on x86 and
 * ARM). Every WAL segment repeats it in its first page's long header ({@code xlp_sysid}, at byte
 * 24), which lets the archive command refuse a segment that belongs to another cluster.
 */
public final class ClusterIdentity {

  /** {@code XLP_LONG_HEADER} in {@code xlp_info}: the page starts with a long header. */
  private static final int XLP_LONG_HEADER = 0x0002;

  private static final int XLP_SYSID_OFFSET = 24;

  private ClusterIdentity() {}

  /** The system identifier in {@code <dataDirectory>/global/pg_control}, as decimal digits. */
  public static String of(Path dataDirectory) throws IOException {
    Path control = dataDirectory.resolve("global").resolve("pg_control");
    byte[] first = new byte[8];
    try (InputStream in = Files.newInputStream(control)) {
      if (in.readNBytes(first, 0, 8) != 8) {
        throw new IOException(control + " is shorter than 8 bytes: not a PostgreSQL control file");
      }
    } catch (NoSuchFileException e) {
      throw new IOException(
          control
              + " does not exist: the archive command must run in the data directory (PostgreSQL"
              + " starts archive_command and restore_command there), or be given"
              + " --system-identifier",
          e);
    }
    return unsigned(ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong());
  }

  /**
   * The system identifier a WAL segment's first page names, or empty when the page has no long
   * header (not a segment's start).
   */
  public static Optional<String> ofSegment(byte[] segment) {
    if (segment.length < XLP_SYSID_OFFSET + 8) {
      return Optional.empty();
    }
    ByteBuffer page = ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN);
    int info = page.getShort(2) & 0xFFFF;
    if ((info & XLP_LONG_HEADER) == 0) {
      return Optional.empty();
    }
    return Optional.of(unsigned(page.getLong(XLP_SYSID_OFFSET)));
  }

  private static String unsigned(long value) {
    return Long.toUnsignedString(value);
  }
}
