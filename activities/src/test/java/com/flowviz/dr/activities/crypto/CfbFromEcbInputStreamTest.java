package com.flowviz.dr.activities.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CFB computed from bulk ECB gives exactly what the JDK's own CFB gives, at every length and chunk
 * boundary.
 */
class CfbFromEcbInputStreamTest {

  private static final int MIB = 1 << 20;
  private final Random random = new Random(42);

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15, 16, 17, 4096, MIB - 1, MIB, MIB + 1, MIB + 16, 3 * MIB + 5})
  void decryptsWhatAesCfbEncryptedAtEveryLengthAndChunkBoundary(int length) throws Exception {
    for (int keyBytes : new int[] {16, 24, 32}) {
      byte[] key = bytes(keyBytes);
      byte[] plaintext = bytes(length);
      byte[] ciphertext = cfb(Cipher.ENCRYPT_MODE, key).doFinal(plaintext);

      byte[] decrypted =
          readInOddPieces(new CfbFromEcbInputStream(new ByteArrayInputStream(ciphertext), key));

      assertArrayEquals(plaintext, decrypted, "AES-" + keyBytes * 8 + ", " + length + " bytes");
    }
  }

  @Test
  void aReaderOfTheFirstBytesGetsThemEvenWhenTheStreamFailsLater() throws Exception {
    byte[] key = bytes(32);
    byte[] plaintext = bytes(5000);
    byte[] ciphertext = cfb(Cipher.ENCRYPT_MODE, key).doFinal(plaintext);
    InputStream truncated =
        new InputStream() {
          private final InputStream in = new ByteArrayInputStream(ciphertext, 0, 3000);

          @Override
          public int read() throws IOException {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
              throw new IOException("premature end of stream in partial packet");
            }
            return n;
          }
        };
    try (CfbFromEcbInputStream in = new CfbFromEcbInputStream(truncated, key)) {
      byte[] head = in.readNBytes(3000);
      assertArrayEquals(Arrays.copyOf(plaintext, 3000), head);
      IOException failure = assertThrows(IOException.class, in::read);
      assertEquals("premature end of stream in partial packet", failure.getMessage());
    }
  }

  private byte[] readInOddPieces(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[70_001];
    int toggle = 0;
    while (true) {
      int b;
      if (toggle++ % 3 == 0) {
        b = in.read();
        if (b < 0) {
          break;
        }
        out.write(b);
        continue;
      }
      int n = in.read(buffer, 0, 1 + random.nextInt(buffer.length - 1));
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
    }
    in.close();
    return out.toByteArray();
  }

  private static Cipher cfb(int mode, byte[] key) throws Exception {
    Cipher cipher = Cipher.getInstance("AES/CFB/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
    return cipher;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
