package com.flowviz.dr.activities.physical.pitr;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A bounded hand-off of bytes between two threads, in whole chunks.
 *
 * <p>Why not {@link java.io.PipedInputStream}: its writer wakes a waiting reader only when the pipe
 * is full (or flushed), and its reader wakes the writer only when the pipe is empty, so the two
 * sides took turns instead of overlapping: the decryption filled 4 MiB while the decompression
 * slept, then the other way round. Here each side blocks only on a full or empty queue of chunks.
 */
final class ChunkPipe {

  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> chunks;
  private final int chunkSize;
  private volatile boolean readerClosed;

  /**
   * @param chunkSize the bytes a chunk holds
   * @param chunks the chunks in flight at most
   */
  ChunkPipe(int chunkSize, int chunks) {
    this.chunkSize = chunkSize;
    this.chunks = new ArrayBlockingQueue<>(chunks);
  }

  /** The writing end; close it to end the stream. */
  OutputStream output() {
    return new OutputStream() {
      private byte[] filling = new byte[chunkSize];
      private int used;
      private boolean closed;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
          int n = Math.min(len, filling.length - used);
          System.arraycopy(b, off, filling, used, n);
          used += n;
          off += n;
          len -= n;
          if (used == filling.length) {
            hand(filling);
            filling = new byte[chunkSize];
            used = 0;
          }
        }
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        if (used > 0) {
          hand(java.util.Arrays.copyOf(filling, used));
        }
        hand(END);
      }

      private void hand(byte[] chunk) throws IOException {
        try {
          // A reader that went away never takes another chunk: fail instead of waiting forever.
          while (!chunks.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (readerClosed) {
              throw new IOException("Pipe closed: the reading side stopped");
            }
          }
          if (readerClosed) {
            throw new IOException("Pipe closed: the reading side stopped");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while handing on decrypted bytes");
        }
      }
    };
  }

  /** The reading end; closing it makes the writer's next write fail. */
  InputStream input() {
    return new InputStream() {
      private byte[] current = new byte[0];
      private int position;
      private boolean ended;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        while (position == current.length) {
          if (ended || readerClosed) {
            return -1;
          }
          try {
            current = chunks.take();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for decrypted bytes");
          }
          position = 0;
          if (current == END) {
            ended = true;
          }
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
      }

      @Override
      public void close() {
        readerClosed = true;
        chunks.clear();
      }
    };
  }
}
