package com.flowviz.dr.activities.crypto;

import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.operator.PGPDataDecryptor;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;

/**
 * The data decryptor of {@link CfbFromEcbDecryptorFactory}: AES in OpenPGP's plain CFB with a zero
 * IV.
 */
final class CfbFromEcbDataDecryptor implements PGPDataDecryptor {

  private final byte[] key;

  CfbFromEcbDataDecryptor(byte[] key) {
    this.key = key.clone();
  }

  @Override
  public InputStream getInputStream(InputStream in) {
    return new CfbFromEcbInputStream(in, key);
  }

  @Override
  public int getBlockSize() {
    return CfbFromEcbInputStream.BLOCK;
  }

  /**
   * The MDC's SHA-1 with the JDK's implementation, which uses the CPU's SHA instructions where
   * there are some.
   */
  @Override
  public PGPDigestCalculator getIntegrityCalculator() {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) {
            sha1.update((byte) b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            sha1.update(b, off, len);
          }
        };
    return new PGPDigestCalculator() {
      @Override
      public int getAlgorithm() {
        return HashAlgorithmTags.SHA1;
      }

      @Override
      public OutputStream getOutputStream() {
        return out;
      }

      @Override
      public byte[] getDigest() {
        return sha1.digest();
      }

      @Override
      public void reset() {
        sha1.reset();
      }
    };
  }
}
