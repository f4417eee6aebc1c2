package com.flowviz.dr.activities.crypto;

import org.bouncycastle.bcpg.AEADEncDataPacket;
import org.bouncycastle.bcpg.InputStreamPacket;
import org.bouncycastle.bcpg.PublicKeyEncSessionPacket;
import org.bouncycastle.bcpg.SymmetricEncIntegrityPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.operator.PGPDataDecryptor;
import org.bouncycastle.openpgp.operator.PublicKeyDataDecryptorFactory;

/**
 * Bouncy Castle's public-key decryptor factory with a faster data decryptor for the common case, an
 * AES-encrypted, integrity-protected (SEIPD v1) message: CFB decryption computed from bulk AES/ECB
 * on the previous ciphertext blocks, which the JDK runs several times faster than CFB itself, in a
 * thread of its own so it overlaps with the SHA-1 of the integrity check. Everything else
 * (session-key recovery, packet parsing, the quick check, the MDC comparison, AEAD packets, other
 * ciphers) stays with Bouncy Castle.
 */
final class CfbFromEcbDecryptorFactory implements PublicKeyDataDecryptorFactory {

  private final PublicKeyDataDecryptorFactory delegate;

  CfbFromEcbDecryptorFactory(PublicKeyDataDecryptorFactory delegate) {
    this.delegate = delegate;
  }

  @Override
  public byte[] recoverSessionData(PublicKeyEncSessionPacket pkesk, InputStreamPacket encData)
      throws PGPException {
    return delegate.recoverSessionData(pkesk, encData);
  }

  @Override
  public byte[] recoverSessionData(int keyAlgorithm, byte[][] secKeyData) throws PGPException {
    return delegate.recoverSessionData(keyAlgorithm, secKeyData);
  }

  @Override
  public byte[] recoverSessionData(int keyAlgorithm, byte[][] secKeyData, int pkeskVersion)
      throws PGPException {
    return delegate.recoverSessionData(keyAlgorithm, secKeyData, pkeskVersion);
  }

  @Override
  public PGPDataDecryptor createDataDecryptor(
      boolean withIntegrityPacket, int encAlgorithm, byte[] key) throws PGPException {
    if (withIntegrityPacket && isAes(encAlgorithm)) {
      return new CfbFromEcbDataDecryptor(key);
    }
    // Without integrity protection OpenPGP uses a resynchronising CFB variant: left to Bouncy
    // Castle.
    return delegate.createDataDecryptor(withIntegrityPacket, encAlgorithm, key);
  }

  @Override
  public PGPDataDecryptor createDataDecryptor(AEADEncDataPacket aeadData, PGPSessionKey sessionKey)
      throws PGPException {
    return delegate.createDataDecryptor(aeadData, sessionKey);
  }

  @Override
  public PGPDataDecryptor createDataDecryptor(
      SymmetricEncIntegrityPacket seipd, PGPSessionKey sessionKey) throws PGPException {
    return delegate.createDataDecryptor(seipd, sessionKey);
  }

  private static boolean isAes(int algorithm) {
    return algorithm == SymmetricKeyAlgorithmTags.AES_128
        || algorithm == SymmetricKeyAlgorithmTags.AES_192
        || algorithm == SymmetricKeyAlgorithmTags.AES_256;
  }
}
