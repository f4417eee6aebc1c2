package com.flowviz.dr.activities.crypto;

import java.util.Arrays;

/**
 * The backup private key and its passphrase, held only while one activity decrypts and wiped when
 * it closes. Deliberately not a record: its toString must never show the contents.
 */
public final class PrivateKeyMaterial implements AutoCloseable {
  private final byte[] exportedKey;
  private final char[] passphrase;
  private final String source;

  /**
   * @param passphrase null when the key is not protected
   */
  public PrivateKeyMaterial(byte[] exportedKey, char[] passphrase, String source) {
    this.exportedKey = exportedKey;
    this.passphrase = passphrase;
    this.source = source;
  }

  public byte[] exportedKey() {
    return exportedKey;
  }

  /** May be null. */
  public char[] passphrase() {
    return passphrase;
  }

  /** Where the key came from, for messages: a secret id or file name, never contents. */
  public String source() {
    return source;
  }

  @Override
  public void close() {
    Arrays.fill(exportedKey, (byte) 0);
    if (passphrase != null) {
      Arrays.fill(passphrase, '\0');
    }
  }

  @Override
  public String toString() {
    return "PrivateKeyMaterial[" + source + "]";
  }
}
