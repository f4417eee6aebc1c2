package com.flowviz.dr.workflows.common;

import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;

/** Getting the operator's message out of a chain of Temporal failures. */
public final class Failures {
  private Failures() {}

  /** The message of the innermost failure that says what went wrong. */
  public static String rootMessage(Throwable e) {
    Throwable deepest = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      deepest = t;
    }
    if (deepest instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    if (deepest instanceof TimeoutFailure timeout) {
      return "timed out (" + timeout.getTimeoutType() + ")";
    }
    if (deepest instanceof TemporalFailure temporal) {
      return temporal.getOriginalMessage();
    }
    return deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage();
  }

  /** The type of the innermost application failure, or null. */
  public static String rootType(Throwable e) {
    String type = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure app) {
        type = app.getType();
      }
    }
    return type;
  }
}
