package com.flowviz.dr.activities.crypto;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.operator.PGPDataEncryptor;
import org.bouncycastle.openpgp.operator.PGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;

/**
 * A data encryptor builder whose integrity packet (the MDC, a SHA-1 over every plaintext byte of an
 * SEIPD v1 packet) is hashed by the JDK's SHA-1, which runs on the CPU's SHA extensions, instead of
 * Bouncy Castle's Java SHA-1 that the JCE builder hard-codes: in a base backup's profile that
 * digest was the largest share of the encrypting thread's samples. The packets are unchanged.
 */
final class JdkMdcDataEncryptorBuilder implements PGPDataEncryptorBuilder {

  private final PGPDataEncryptorBuilder delegate;

  JdkMdcDataEncryptorBuilder(PGPDataEncryptorBuilder delegate) {
    this.delegate = delegate;
  }

  @Override
  public PGPDataEncryptor build(byte[] keyBytes) throws PGPException {
    return withJdkMdc(delegate.build(keyBytes));
  }

  @Override
  public PGPDataEncryptor build(byte[] keyBytes, byte[] aeadIv) throws PGPException {
    return withJdkMdc(delegate.build(keyBytes, aeadIv));
  }

  private static PGPDataEncryptor withJdkMdc(PGPDataEncryptor encryptor) {
    if (encryptor.getIntegrityCalculator() == null) {
      return encryptor; // AEAD or no integrity packet: nothing to replace
    }
    PGPDigestCalculator sha1 = new JdkSha1();
    return new PGPDataEncryptor() {
      @Override
      public OutputStream getOutputStream(OutputStream out) {
        return encryptor.getOutputStream(out);
      }

      @Override
      public PGPDigestCalculator getIntegrityCalculator() {
        return sha1;
      }

      @Override
      public int getBlockSize() {
        return encryptor.getBlockSize();
      }
    };
  }

  /** SHA-1 from the JDK's provider. */
  private static final class JdkSha1 implements PGPDigestCalculator {
    private final MessageDigest digest;
    private final OutputStream stream;

    JdkSha1() {
      try {
        digest = MessageDigest.getInstance("SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no SHA-1", e);
      }
      stream =
          new OutputStream() {
            @Override
            public void write(int b) {
              digest.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
              digest.update(b, off, len);
            }
          };
    }

    @Override
    public int getAlgorithm() {
      return HashAlgorithmTags.SHA1;
    }

    @Override
    public OutputStream getOutputStream() {
      return stream;
    }

    @Override
    public byte[] getDigest() {
      return digest.digest();
    }

    @Override
    public void reset() {
      digest.reset();
    }
  }

  @Override
  public int getAlgorithm() {
    return delegate.getAlgorithm();
  }

  @Override
  public int getAeadAlgorithm() {
    return delegate.getAeadAlgorithm();
  }

  @Override
  public int getChunkSize() {
    return delegate.getChunkSize();
  }

  @Override
  public boolean isV5StyleAEAD() {
    return delegate.isV5StyleAEAD();
  }

  @Override
  public SecureRandom getSecureRandom() {
    return delegate.getSecureRandom();
  }

  @Override
  public PGPDataEncryptorBuilder setWithIntegrityPacket(boolean withIntegrityPacket) {
    delegate.setWithIntegrityPacket(withIntegrityPacket);
    return this;
  }

  @Override
  public PGPDataEncryptorBuilder setWithAEAD(int aeadAlgorithm, int chunkSize) {
    delegate.setWithAEAD(aeadAlgorithm, chunkSize);
    return this;
  }

  @Override
  public PGPDataEncryptorBuilder setUseV5AEAD() {
    delegate.setUseV5AEAD();
    return this;
  }

  @Override
  public PGPDataEncryptorBuilder setUseV6AEAD() {
    delegate.setUseV6AEAD();
    return this;
  }
}
