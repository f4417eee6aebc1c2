package com.flowviz.dr.activities.physical.wal;

import com.flowviz.dr.activities.crypto.OpenPgpEncryptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Date;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;

/**
 * A WAL file as an OpenPGP message {@code gpg --decrypt} reads: zlib-compressed (the zeros after a
 * switch, and WAL's repetitive records, shrink), AES-256 to the backup keys.
 */
public final class WalEncryption {

  private WalEncryption() {}

  public static byte[] encrypt(byte[] plaintext, List<PGPPublicKey> recipients, String fileName)
      throws IOException {
    ByteArrayOutputStream ciphertext = new ByteArrayOutputStream(plaintext.length / 4 + 1024);
    try (OutputStream out =
        OpenPgpEncryptor.encryptTo(ciphertext, recipients, fileName, new Date(), true)) {
      out.write(plaintext);
    } catch (PGPException e) {
      throw new IOException("Cannot encrypt " + fileName + ": " + e.getMessage(), e);
    }
    return ciphertext.toByteArray();
  }
}
