package com.flowviz.dr.activities.postgres;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a pg_dump custom-format archive ({@code pg_dump -Fc}): magic "PGDMP", the archive
 * version, and (from archive 1.10 on) the versions of the server dumped and of pg_dump. Read before
 * pg_restore runs so that a plaintext which is not an archive, or an archive newer than the local
 * pg_restore, fails with a clear message.
 *
 * @param archiveVersion e.g. "1.14" (pg_dump 15), "1.15" (16), "1.16" (17)
 */
public record PgDumpHeader(
    String archiveVersion,
    int format,
    String database,
    String serverVersion,
    String pgDumpVersion) {

  private static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
  private static final int ARCHIVE_CUSTOM = 1;

  public int major() {
    return Integer.parseInt(archiveVersion.split("\\.")[0]);
  }

  public int minor() {
    return Integer.parseInt(archiveVersion.split("\\.")[1]);
  }

  /** PostgreSQL major version of the dumped server, e.g. 15, when the header names it. */
  public Optional<Integer> serverMajor() {
    return majorOf(serverVersion);
  }

  public Optional<Integer> pgDumpMajor() {
    return majorOf(pgDumpVersion);
  }

  /**
   * The archive version each pg_restore major reads up to. An archive written by a newer pg_dump
   * than this fails in the local pg_restore with "unsupported version in file header".
   */
  public static String newestArchiveReadBy(int pgRestoreMajor) {
    if (pgRestoreMajor >= 17) {
      return "1.16";
    }
    if (pgRestoreMajor == 16) {
      return "1.15";
    }
    if (pgRestoreMajor >= 14) {
      return "1.14";
    }
    return "1.13";
  }

  /** Whether a pg_restore of the given major can read this archive. */
  public boolean readableBy(int pgRestoreMajor) {
    String[] newest = newestArchiveReadBy(pgRestoreMajor).split("\\.");
    int newestMajor = Integer.parseInt(newest[0]);
    int newestMinor = Integer.parseInt(newest[1]);
    return major() < newestMajor || (major() == newestMajor && minor() <= newestMinor);
  }

  /** True when the stream starts with the custom-format magic. */
  public static boolean looksLikeArchive(byte[] head, int length) {
    return length >= MAGIC.length && Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC);
  }

  /**
   * Parses the header.
   *
   * @throws NotAnArchiveException when the bytes are not a custom-format archive
   */
  public static PgDumpHeader read(InputStream input) throws IOException {
    DataInputStream in = new DataInputStream(input);
    byte[] magic = new byte[MAGIC.length];
    try {
      in.readFully(magic);
    } catch (EOFException e) {
      throw new NotAnArchiveException("it is shorter than a pg_dump header");
    }
    if (!Arrays.equals(magic, MAGIC)) {
      throw new NotAnArchiveException(
          "it does not start with PGDMP (it starts with \""
              + printable(magic)
              + "\"); a plain SQL dump or another file was encrypted");
    }
    int vmaj = in.readUnsignedByte();
    int vmin = in.readUnsignedByte();
    in.readUnsignedByte(); // revision
    int intSize = in.readUnsignedByte();
    in.readUnsignedByte(); // offset size
    int format = in.readUnsignedByte();
    if (format != ARCHIVE_CUSTOM) {
      throw new NotAnArchiveException(
          "it is a pg_dump archive of format " + format + ", not the custom format (-Fc)");
    }
    if (intSize < 1 || intSize > 8) {
      throw new NotAnArchiveException("its header has an impossible integer size " + intSize);
    }
    String version = vmaj + "." + vmin;
    if (vmaj > 1 || vmin >= 15) {
      in.readUnsignedByte(); // compression algorithm
    } else if (vmin >= 2) {
      readInt(in, intSize); // compression level
    }
    String database = null;
    String serverVersion = null;
    String dumpVersion = null;
    if (vmaj > 1 || vmin >= 4) {
      for (int i = 0; i < 7; i++) {
        readInt(in, intSize); // creation time fields
      }
      database = readString(in, intSize);
    }
    if (vmaj > 1 || vmin >= 10) {
      serverVersion = readString(in, intSize);
      dumpVersion = readString(in, intSize);
    }
    return new PgDumpHeader(version, format, database, serverVersion, dumpVersion);
  }

  private static long readInt(DataInputStream in, int intSize) throws IOException {
    int sign = in.readUnsignedByte();
    long value = 0;
    for (int i = 0; i < intSize; i++) {
      value |= ((long) in.readUnsignedByte()) << (8 * i);
    }
    return sign == 0 ? value : -value;
  }

  private static String readString(DataInputStream in, int intSize) throws IOException {
    long length = readInt(in, intSize);
    if (length < 0) {
      return null;
    }
    if (length > 4096) {
      throw new NotAnArchiveException("its header has a string of impossible length " + length);
    }
    byte[] bytes = new byte[(int) length];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Optional<Integer> majorOf(String version) {
    if (version == null) {
      return Optional.empty();
    }
    Matcher m = Pattern.compile("(\\d+)").matcher(version);
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  private static String printable(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(
          b >= 0x20 && b < 0x7f ? Character.toString(b) : String.format("\\x%02x", b & 0xff));
    }
    return out.toString();
  }

  /** The bytes are not a pg_dump custom-format archive. */
  public static final class NotAnArchiveException extends IOException {
    public NotAnArchiveException(String reason) {
      super(reason);
    }
  }
}
