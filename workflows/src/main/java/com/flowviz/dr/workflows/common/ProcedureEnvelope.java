package com.flowviz.dr.workflows.common;

import io.temporal.failure.ApplicationFailure;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one way a procedure ends when something goes wrong: what it made is cleaned up and the
 * failure or cancellation is recorded (by the procedure, in its own order, in {@code onFailure}),
 * then a cancellation is passed on as it is, an {@link ApplicationFailure} keeps its type, and
 * anything else becomes a non-retryable failure of the root cause's type (or the procedure's own)
 * with the operator's message. A procedure is never retried as a whole: its steps retry.
 *
 * <pre>{@code
 * return ProcedureEnvelope.run(
 *     "WeeklyRestoreFailed",
 *     () -> restoreAfterRetrieval(...),
 *     failure -> trail.record("weekly-restore", failure.stepStatus(), failure.message()));
 * }</pre>
 */
public final class ProcedureEnvelope {
  private ProcedureEnvelope() {}

  /** What went wrong, for the procedure's cleanup and audit entry. */
  public record Failure(RuntimeException error, boolean cancelled) {
    /** The operator's message: the innermost failure that says what went wrong. */
    public String message() {
      return Failures.rootMessage(error);
    }

    /** {@link StepRecord#CANCELLED} or {@link StepRecord#FAILED}, for the audit trail. */
    public String stepStatus() {
      return cancelled ? StepRecord.CANCELLED : StepRecord.FAILED;
    }
  }

  /**
   * Runs the procedure's body; on failure runs {@code onFailure} (cleanup and audit, in the order
   * the procedure needs) and throws what {@link #asWorkflowFailure} makes of the failure.
   *
   * @param failureType the failure type when the root cause carries none, e.g. "RestoreFailed"
   */
  public static <T> T run(String failureType, Supplier<T> body, Consumer<Failure> onFailure) {
    try {
      return body.get();
    } catch (RuntimeException e) {
      boolean cancelled = StepTracker.isCancellation(e);
      onFailure.accept(new Failure(e, cancelled));
      throw cancelled ? e : asWorkflowFailure(e, failureType);
    }
  }

  /**
   * A failure as the workflow's own: an {@link ApplicationFailure} as it is, anything else (an
   * activity or child failure) non-retryable with the root cause's type and message.
   */
  public static RuntimeException asWorkflowFailure(RuntimeException e, String failureType) {
    if (e instanceof ApplicationFailure) {
      return e;
    }
    String type = Failures.rootType(e);
    return ApplicationFailure.newNonRetryableFailureWithCause(
        Failures.rootMessage(e), type == null ? failureType : type, e);
  }
}
