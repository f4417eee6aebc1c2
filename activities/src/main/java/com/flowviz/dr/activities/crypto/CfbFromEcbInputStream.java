package com.flowviz.dr.activities.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * CFB decryption as bulk ECB: plaintext block i is ciphertext block i XOR AES(ciphertext block
 * i-1), block 0 taking the all-zero IV. AES over a whole chunk of ciphertext at once runs at the
 * speed of the JDK's AES-NI intrinsics, and a producer thread does it (reading the ciphertext too)
 * while the consumer hashes and writes the previous chunk. Memory: a few fixed chunks.
 */
final class CfbFromEcbInputStream extends InputStream {

  static final int BLOCK = 16;
  private static final int CHUNK = 1 << 20;
  private static final int CHUNKS_IN_FLIGHT = 3;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** A chunk of plaintext; length -1 marks the end, a failure ends it with an error. */
  private record Chunk(byte[] data, int length, IOException failure) {}

  private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(CHUNKS_IN_FLIGHT + 1);
  private final BlockingQueue<byte[]> empty = new ArrayBlockingQueue<>(CHUNKS_IN_FLIGHT + 1);
  private final Thread producer;
  private Chunk current;
  private int position;
  private boolean ended;
  private volatile boolean closed;

  CfbFromEcbInputStream(InputStream ciphertext, byte[] key) {
    for (int i = 0; i < CHUNKS_IN_FLIGHT; i++) {
      empty.add(new byte[CHUNK]);
    }
    Cipher aes;
    try {
      aes = Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES is not available in this JDK", e);
    }
    producer = new Thread(() -> produce(ciphertext, aes), "openpgp-cfb-decrypt");
    producer.setDaemon(true);
    producer.start();
  }

  private void produce(InputStream in, Cipher aes) {
    byte[] previous = new byte[BLOCK]; // the IV
    byte[] ciphertext = new byte[CHUNK];
    byte[] shifted = new byte[CHUNK];
    try {
      while (!closed) {
        int n = 0;
        boolean end = false;
        IOException failure = null;
        try {
          while (n < CHUNK) {
            int read = in.read(ciphertext, n, CHUNK - n);
            if (read < 0) {
              end = true;
              break;
            }
            n += read;
          }
        } catch (IOException e) {
          failure =
              e; // after the plaintext read so far: a reader of the first bytes only still gets
          // them
        }
        if (n > 0) {
          byte[] plain = empty.take();
          // Keystream: AES of the ciphertext block before each block.
          System.arraycopy(previous, 0, shifted, 0, BLOCK);
          int keystreamBlocks = (n + BLOCK - 1) / BLOCK;
          if (keystreamBlocks > 1) {
            System.arraycopy(ciphertext, 0, shifted, BLOCK, (keystreamBlocks - 1) * BLOCK);
          }
          aes.update(shifted, 0, keystreamBlocks * BLOCK, plain, 0);
          xor(plain, ciphertext, n);
          full.put(new Chunk(plain, n, null));
          if (n == CHUNK) {
            System.arraycopy(
                ciphertext, CHUNK - BLOCK, previous, 0, BLOCK); // a short chunk is the last one
          }
        }
        if (failure != null) {
          offerFailure(failure);
          return;
        }
        if (end) {
          break;
        }
      }
      full.put(new Chunk(null, -1, null));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (GeneralSecurityException | RuntimeException e) {
      offerFailure(new IOException("decryption failed: " + e.getMessage(), e));
    }
  }

  private void offerFailure(IOException e) {
    try {
      full.put(new Chunk(null, -1, e));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void xor(byte[] target, byte[] with, int length) {
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      LONGS.set(target, i, (long) LONGS.get(target, i) ^ (long) LONGS.get(with, i));
    }
    for (; i < length; i++) {
      target[i] ^= with[i];
    }
  }

  private boolean fill() throws IOException {
    if (ended) {
      return false;
    }
    if (current != null && position < current.length()) {
      return true;
    }
    if (current != null && current.data() != null) {
      empty.offer(current.data());
    }
    try {
      current = full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while decrypting");
    }
    position = 0;
    if (current.failure() != null) {
      ended = true;
      throw current.failure();
    }
    if (current.length() < 0) {
      ended = true;
      return false;
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return current.data()[position++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, current.length() - position);
    System.arraycopy(current.data(), position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    producer.interrupt();
  }
}
