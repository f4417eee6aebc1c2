package com.flowviz.dr.activities.workhost;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * Reads a file that another activity is still writing (a download appending to {@code X.part},
 * renamed to {@code X} when complete) until it holds the expected number of bytes. The open
 * descriptor survives the rename. While it waits for more bytes it calls {@code waiting} with the
 * bytes read so far (a heartbeat, which also delivers a cancellation), and gives up when the file
 * stops growing for {@code stallLimit}.
 */
public final class GrowingFileInputStream extends InputStream {

  private static final long POLL_MILLIS = 5;

  private final Path part;
  private final Path done;
  private final long expectedBytes;
  private final Duration stallLimit;
  private final LongConsumer waiting;
  private FileChannel channel;
  private long position;

  public GrowingFileInputStream(
      Path part, Path done, long expectedBytes, Duration stallLimit, LongConsumer waiting) {
    this.part = part;
    this.done = done;
    this.expectedBytes = expectedBytes;
    this.stallLimit = stallLimit;
    this.waiting = waiting;
  }

  public long position() {
    return position;
  }

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
    if (position >= expectedBytes) {
      return -1;
    }
    long stalledSince = System.nanoTime();
    while (true) {
      if (channel == null) {
        channel = openEither();
      }
      if (channel != null) {
        int n =
            channel.read(
                ByteBuffer.wrap(b, off, (int) Math.min(len, expectedBytes - position)), position);
        if (n > 0) {
          position += n;
          return n;
        }
      }
      if (System.nanoTime() - stalledSince > stallLimit.toNanos()) {
        throw new IOException(
            "The download stopped at byte "
                + position
                + " of "
                + expectedBytes
                + " for "
                + stallLimit
                + " ("
                + (channel == null ? "it never started" : "no new bytes")
                + ")");
      }
      waiting.accept(position);
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the download");
      }
    }
  }

  private FileChannel openEither() throws IOException {
    for (Path file : new Path[] {done, part}) {
      try {
        return FileChannel.open(file, StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        // not there (yet, or any more after the rename): try the other name
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
