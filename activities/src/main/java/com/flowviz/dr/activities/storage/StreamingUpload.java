package com.flowviz.dr.activities.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An object being written as a stream. {@link #close()} does not publish it; {@link #complete()}
 * does. Closing an upload that was not completed discards what was sent, so a failed backup never
 * leaves a partial object under its key.
 */
public abstract class StreamingUpload extends OutputStream {

  /** Publishes the object; returns its entity tag. */
  public abstract String complete() throws IOException;

  /** Discards the upload; safe after complete (does nothing then). */
  public abstract void abort();

  @Override
  public void close() {
    abort();
  }
}
