package com.flowviz.dr.activities.physical.pitr;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An object's download as the decryption reads it, remembering the first read that failed. The
 * decryption sees a cut connection as a message that ends early and calls it damaged; this tells
 * the two apart, so a network fault is retried and only bytes that arrived and do not verify are
 * refused (found by a test that cut the connection mid-download).
 */
final class WatchedSource extends FilterInputStream {

  private volatile IOException failure;

  WatchedSource(InputStream in) {
    super(in);
  }

  /** The download's own failure, or null when every read the decryption made succeeded. */
  IOException failure() {
    return failure;
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException e) {
      throw remember(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return super.read(b, off, len);
    } catch (IOException e) {
      throw remember(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return super.skip(n);
    } catch (IOException e) {
      throw remember(e);
    }
  }

  private IOException remember(IOException e) {
    if (failure == null) {
      failure = e;
    }
    return e;
  }
}
