package com.flowviz.dr.activities.physical.wal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a WAL file's plaintext, in hex: what the object's {@code flowviz-sha256} metadata
 * holds, so two encryptions of the same bytes (a retry) are recognised as the same segment and a
 * different segment under an archived name is not.
 */
public final class PlaintextDigest {

  private PlaintextDigest() {}

  public static String sha256(byte[] plaintext) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plaintext));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
