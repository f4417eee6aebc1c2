package com.flowviz.dr.activities.storage;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.CRC32C;

/**
 * The CRC32C that every object and multipart part is sent with, as S3's {@code
 * x-amz-checksum-crc32c} header: S3 checks it before it stores the bytes and refuses a body that
 * arrived different.
 *
 * <p>Computed here, not left to the SDK: without a value the SDK computes a CRC32 as a trailer,
 * which makes it send the body in {@code aws-chunked} encoding (chunk framing, and over plain HTTP
 * a signature per chunk). Measured with moto on loopback, 256 MiB in 16 MiB parts: 6.4 s and 5.4 s
 * of the endpoint's CPU that way, 3.3 s and 2.4 s with the header; the JDK's CRC32C is intrinsic
 * (tens of GB/s), so the check costs nothing.
 */
public final class ContentChecksum {
  private ContentChecksum() {}

  /** The base64 of the big-endian CRC32C of {@code data[offset, offset + length)}. */
  public static String crc32c(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    return Base64.getEncoder()
        .encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  public static String crc32c(byte[] data) {
    return crc32c(data, 0, data.length);
  }
}
