package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.physical.TarHeader;
import com.flowviz.dr.activities.physical.TarStreamWalker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
final class TarMemberScanner extends TarStreamWalker {

  private final Set<String> wanted;
  private final int maxCapture;
  private final Map<String, byte[]> captured = new HashMap<>();

  private ByteArrayOutputStream capture;
  private String currentName;

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
  Optional<String> lastMemberName() {
    return Optional.ofNullable(lastMember());
  }

  @Override
  protected void member(TarHeader member, byte[] raw) throws IOException {
    String name = member.name();
    long size = member.size();
    currentName = name;
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

  @Override
  protected void data(byte[] b, int off, int n, boolean last) {
    if (capture != null) {
      capture.write(b, off, n);
    }
    if (last) {
      memberComplete();
    }
  }

  @Override
  protected void padding(byte[] b, int off, int n) {}

  private void memberComplete() {
    if (capture != null) {
      captured.put(currentName, capture.toByteArray());
      capture = null;
    }
  }
}
