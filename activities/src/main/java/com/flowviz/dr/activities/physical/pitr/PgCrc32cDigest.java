package com.flowviz.dr.activities.physical.pitr;

import java.security.MessageDigest;
import java.util.zip.CRC32C;

/**
 * CRC-32C as a {@link MessageDigest}, its 4 bytes in the order PostgreSQL writes them into a
 * backup_manifest: the server copies its {@code pg_crc32c} as it lies in memory, so an x86 or ARM
 * server writes it least significant byte first (a big-endian one the other way: {@link
 * PgManifestChecksums.Expected#matches} takes both). The JDK's CRC32C is intrinsic (tens of GB/s),
 * where SHA-256 runs at ~1.5 GB/s on this machine kind.
 */
final class PgCrc32cDigest extends MessageDigest {
  private final CRC32C crc = new CRC32C();

  PgCrc32cDigest() {
    super("CRC32C");
  }

  @Override
  protected void engineUpdate(byte input) {
    crc.update(input);
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int length) {
    crc.update(input, offset, length);
  }

  @Override
  protected byte[] engineDigest() {
    int value = (int) crc.getValue();
    crc.reset();
    return new byte[] {
      (byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)
    };
  }

  @Override
  protected void engineReset() {
    crc.reset();
  }

  @Override
  protected int engineGetDigestLength() {
    return 4;
  }
}
