package com.flowviz.dr.activities.physical;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One 512-byte POSIX ustar header as {@code pg_basebackup -Ft} writes them (base-256 sizes too,
 * should a member exceed 8 GiB). Its checksum is checked, so that a stream out of step fails loudly
 * instead of yielding garbage.
 *
 * @param name the member's path, ustar prefix joined, without a leading {@code ./}
 * @param type the type flag: {@code '0'} or NUL a file, {@code '5'} a directory, {@code 'x'},
 *     {@code 'g'}, {@code 'L'}, {@code 'K'} extension headers whose data describes what follows
 * @param size the bytes of data that follow the header (zero for links, devices, directories)
 */
public record TarHeader(String name, byte type, long size) {

  public static final int BLOCK = 512;

  /** Bytes that are no tar header where one must be: the stream is not (or no longer) a tar. */
  public static final class NotATar extends IOException {
    public NotATar(String message) {
      super(message);
    }
  }

  /** The data's length rounded up to whole blocks: what follows the header in the stream. */
  public long paddedSize() {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  public boolean isFile() {
    return type == '0' || type == 0 || type == '7';
  }

  public boolean isDirectory() {
    return type == '5';
  }

  /** A pax or GNU header that describes the member after it, not a member of its own. */
  public boolean isExtension() {
    return type == 'x' || type == 'g' || type == 'L' || type == 'K';
  }

  /** Whether a block is all zeros: the end-of-archive marker. */
  public static boolean isZeroBlock(byte[] block) {
    for (int i = 0; i < BLOCK; i++) {
      if (block[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * @param block one whole header block, not a zero block
   * @param after the member before it, for the message should the block be no header
   */
  public static TarHeader parse(byte[] block, String after) throws IOException {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (block[i] & 0xff);
    }
    long stored = octal(block, 148, 8);
    if (stored != sum) {
      throw new NotATar(
          "the base backup stream is not a tar archive (header checksum "
              + stored
              + " ≠ "
              + sum
              + " after member "
              + after
              + ")");
    }
    String name = text(block, 0, 100);
    if ("ustar".equals(text(block, 257, 6).trim())) {
      String prefix = text(block, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    if (name.startsWith("./")) {
      name = name.substring(2);
    }
    byte type = block[156];
    // Links, devices, directories and FIFOs carry no data whatever their size field says; every
    // other type (files, and pax or GNU extension headers) is followed by its size in data.
    long size = (type >= '1' && type <= '6') ? 0 : size(block);
    return new TarHeader(name, type, size);
  }

  private static long size(byte[] block) throws IOException {
    if ((block[124] & 0x80) != 0) {
      // base-256: tar's encoding of sizes beyond 8 GiB
      long value = 0;
      for (int i = 125; i < 136; i++) {
        value = (value << 8) | (block[i] & 0xff);
      }
      return value;
    }
    return octal(block, 124, 12);
  }

  private static long octal(byte[] block, int offset, int length) throws IOException {
    String field = text(block, offset, length).trim();
    if (field.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(field, 8);
    } catch (NumberFormatException e) {
      throw new NotATar(
          "the base backup stream is not a tar archive (field \"" + field + "\" is not octal)");
    }
  }

  private static String text(byte[] block, int offset, int length) {
    int end = offset;
    while (end < offset + length && block[end] != 0) {
      end++;
    }
    return new String(block, offset, end - offset, StandardCharsets.UTF_8);
  }
}
