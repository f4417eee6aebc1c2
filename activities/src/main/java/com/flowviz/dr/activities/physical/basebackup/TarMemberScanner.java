package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.physical.TarHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Watches a tar stream go by and keeps the few members a base backup's manifest is made of ({@code
 * backup_label}, {@code backup_manifest}, {@code global/pg_control}); every other byte it only
 * counts. It sees the bytes as they are written, so the stream goes on to the encryptor untouched
 * and is never staged.
 *
 * <p>It reads the POSIX ustar headers {@code pg_basebackup -Ft} writes (and base-256 sizes, should
 * a member exceed 8 GiB), checks each header's checksum so that a stream out of step fails loudly
 * instead of yielding garbage, and notes whether the end-of-archive marker arrived: a stream cut
 * short has none.
 */
final class TarMemberScanner extends OutputStream {

  private static final int BLOCK = TarHeader.BLOCK;

  private final Set<String> wanted;
  private final int maxCapture;
  private final Map<String, byte[]> captured = new HashMap<>();

  private final byte[] header = new byte[BLOCK];
  private int headerFilled;
  private long remaining;
  private long padding;
  private ByteArrayOutputStream capture;
  private String currentName;
  private String lastMember;
  private boolean ended;

  /**
   * @param wanted member names to keep, as they appear in the archive (without {@code ./})
   * @param maxCapture the largest member kept; a larger wanted member fails the stream
   */
  TarMemberScanner(Set<String> wanted, int maxCapture) {
    this.wanted = wanted;
    this.maxCapture = maxCapture;
  }

  /** The content of a wanted member, once it has passed by whole. */
  Optional<byte[]> member(String name) {
    return Optional.ofNullable(captured.get(name));
  }

  /** The name of the last member before the end-of-archive marker. */
  Optional<String> lastMember() {
    return Optional.ofNullable(lastMember);
  }

  /** Whether the end-of-archive marker (a zero block) arrived after a whole member. */
  boolean ended() {
    return ended && remaining == 0 && padding == 0;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0 && !ended) {
      int n;
      if (remaining > 0) {
        n = (int) Math.min(len, remaining);
        if (capture != null) {
          capture.write(b, off, n);
        }
        remaining -= n;
        if (remaining == 0) {
          memberComplete();
        }
      } else if (padding > 0) {
        n = (int) Math.min(len, padding);
        padding -= n;
      } else {
        n = Math.min(len, BLOCK - headerFilled);
        System.arraycopy(b, off, header, headerFilled, n);
        headerFilled += n;
        if (headerFilled == BLOCK) {
          headerFilled = 0;
          startMember();
        }
      }
      off += n;
      len -= n;
    }
    // After the end-of-archive marker come more zero blocks; they are no member.
  }

  private void startMember() throws IOException {
    if (TarHeader.isZeroBlock(header)) {
      ended = true;
      return;
    }
    TarHeader member = TarHeader.parse(header, lastMember);
    String name = member.name();
    long size = member.size();
    currentName = name;
    lastMember = name;
    remaining = size;
    padding = member.paddedSize() - size;
    capture = null;
    if (wanted.contains(name)) {
      if (size > maxCapture) {
        throw new IOException(
            "the base backup's " + name + " is " + size + " bytes, more than " + maxCapture);
      }
      capture = new ByteArrayOutputStream((int) size);
    }
    if (size == 0) {
      memberComplete();
    }
  }

  private void memberComplete() {
    if (capture != null) {
      captured.put(currentName, capture.toByteArray());
      capture = null;
    }
  }
}
