package com.flowviz.dr.activities.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PipelinedOutputStreamTest {

  @Test
  void everyByteArrivesInOrderOnTheOtherThreadAndTheDownstreamStaysOpen() throws IOException {
    byte[] data = new byte[3_000_000];
    new Random(7).nextBytes(data);
    AtomicBoolean downstreamClosed = new AtomicBoolean();
    AtomicReference<String> writingThread = new AtomicReference<>();
    ByteArrayOutputStream received =
        new ByteArrayOutputStream() {
          @Override
          public synchronized void write(byte[] b, int off, int len) {
            writingThread.set(Thread.currentThread().getName());
            super.write(b, off, len);
          }

          @Override
          public void close() {
            downstreamClosed.set(true);
          }
        };
    byte[] buffer = new byte[65_536];
    try (PipelinedOutputStream pipe = new PipelinedOutputStream(received, 4, "pipe-test")) {
      Random sizes = new Random(3);
      for (int off = 0; off < data.length; ) {
        int n = Math.min(1 + sizes.nextInt(buffer.length), data.length - off);
        // The caller reuses its buffer right away, as the compressor does.
        System.arraycopy(data, off, buffer, 0, n);
        pipe.write(buffer, 0, n);
        java.util.Arrays.fill(buffer, (byte) 0);
        off += n;
      }
      pipe.write(42);
    }
    byte[] expected = java.util.Arrays.copyOf(data, data.length + 1);
    expected[data.length] = 42;
    assertArrayEquals(expected, received.toByteArray());
    assertEquals("pipe-test", writingThread.get());
    assertNotEquals(Thread.currentThread().getName(), writingThread.get());
    assertFalse(downstreamClosed.get(), "the owner closes the downstream layer, not the pipe");
  }

  @Test
  void aDownstreamFailureReachesTheWriterAndNothingMoreIsWrittenAfterIt() throws Exception {
    AtomicInteger writes = new AtomicInteger();
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (writes.incrementAndGet() == 3) {
              throw new IOException("bucket unreachable");
            }
          }
        };
    PipelinedOutputStream pipe = new PipelinedOutputStream(failing, 2, "pipe-fail");
    IOException thrown =
        assertThrows(
            IOException.class,
            () -> {
              try (pipe) {
                for (int i = 0; i < 10_000; i++) {
                  pipe.write(new byte[1024], 0, 1024);
                }
              }
            });
    assertTrue(thrown.getMessage().contains("bucket unreachable"), thrown.getMessage());
    assertEquals(3, writes.get(), "no write downstream after the failed one");
    assertThrows(IOException.class, () -> pipe.write(1), "closed");
  }
}
