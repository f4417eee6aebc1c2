package com.flowviz.dr.activities.common;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands what is written to a thread of its own that writes it downstream, so that the stages before
 * this stream and the ones after it run on two cores instead of one: a base backup compresses on
 * the writer's thread while the downstream thread encrypts, hashes and fills the upload's parts. At
 * most {@code depth} chunks wait in between, so a slow downstream slows the writer instead of
 * filling memory.
 *
 * <p>{@link #close()} waits until everything written has been written downstream, and does not
 * close the downstream stream: in an OpenPGP message the layers are closed in order, by their
 * owner. A failure downstream is thrown by the next {@code write} or by {@code close}; after it,
 * nothing more is written downstream.
 */
public final class PipelinedOutputStream extends OutputStream {

  private static final byte[] END = new byte[0];

  private final OutputStream downstream;
  private final BlockingQueue<byte[]> chunks;
  private final Thread writer;
  private volatile Throwable failure;
  private boolean closed;

  public PipelinedOutputStream(OutputStream downstream, int depth, String threadName) {
    this.downstream = downstream;
    this.chunks = new ArrayBlockingQueue<>(depth);
    this.writer = new Thread(this::drain, threadName);
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("the stream is closed");
    }
    if (len == 0) {
      return;
    }
    // A copy: the caller reuses its buffer as soon as write returns.
    put(Arrays.copyOfRange(b, off, off + len));
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    put(END);
    try {
      writer.join();
    } catch (InterruptedException e) {
      writer.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the pipeline drained");
    }
    rethrow();
  }

  private void put(byte[] chunk) throws IOException {
    try {
      while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
        rethrow();
        if (!writer.isAlive()) {
          throw new IOException("the pipeline's writer stopped");
        }
      }
    } catch (InterruptedException e) {
      writer.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing into the pipeline");
    }
    rethrow();
  }

  private void drain() {
    try {
      for (byte[] chunk = chunks.take(); chunk != END; chunk = chunks.take()) {
        if (failure == null) {
          downstream.write(chunk);
        }
      }
    } catch (InterruptedException e) {
      failure = new InterruptedIOException("the pipeline's writer was interrupted");
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      // Keep taking, so that the writer is never stuck on a full queue; it sees the failure.
      try {
        for (byte[] chunk = chunks.take(); chunk != END; chunk = chunks.take()) {
          // discarded: the stream has failed
        }
      } catch (InterruptedException ignored) {
        // the writer gives up too
      }
    }
  }

  private void rethrow() throws IOException {
    Throwable f = failure;
    if (f instanceof IOException io) {
      throw new IOException(io.getMessage(), io);
    }
    if (f instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (f instanceof Error error) {
      throw error;
    }
  }
}
