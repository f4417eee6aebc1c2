package com.flowviz.dr.workflows.common;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs the steps of a procedure, remembering each one for the progress query, the Temporal UI's
 * current details and the audit trail.
 */
public final class StepTracker {

  private final List<StepRecord> steps = new ArrayList<>();
  private final AuditTrail trail;

  public StepTracker(AuditTrail trail) {
    this.trail = trail;
  }

  public <T> T run(String step, Supplier<T> action, Function<T, String> describe) {
    int index = begin(step);
    try {
      T result = action.get();
      finish(index, StepRecord.SUCCEEDED, describe.apply(result));
      return result;
    } catch (RuntimeException e) {
      boolean cancelled = isCancellation(e);
      finish(index, cancelled ? StepRecord.CANCELLED : StepRecord.FAILED, Failures.rootMessage(e));
      throw e;
    }
  }

  /**
   * Runs a step whose result can say it failed (a restart command that exited non-zero, an
   * unhealthy endpoint): the step is recorded FAILED then, not SUCCEEDED, and the result returned.
   */
  public <T> T runJudged(
      String step, Supplier<T> action, Predicate<T> succeeded, Function<T, String> describe) {
    int index = begin(step);
    try {
      T result = action.get();
      finish(
          index,
          succeeded.test(result) ? StepRecord.SUCCEEDED : StepRecord.FAILED,
          describe.apply(result));
      return result;
    } catch (RuntimeException e) {
      finish(
          index,
          isCancellation(e) ? StepRecord.CANCELLED : StepRecord.FAILED,
          Failures.rootMessage(e));
      throw e;
    }
  }

  public void run(String step, Runnable action, String detail) {
    run(
        step,
        () -> {
          action.run();
          return null;
        },
        ignored -> detail);
  }

  public void skip(String step, String why) {
    Instant now = now();
    steps.add(new StepRecord(step, StepRecord.SKIPPED, now, now, why));
    trail.record(step, StepRecord.SKIPPED, why);
  }

  /**
   * The newest step still in progress (steps can overlap: staging is prepared during the download),
   * or null.
   */
  public String current() {
    for (int i = steps.size() - 1; i >= 0; i--) {
      if (StepRecord.RUNNING.equals(steps.get(i).outcome())) {
        return steps.get(i).step();
      }
    }
    return null;
  }

  public List<StepRecord> steps() {
    return List.copyOf(steps);
  }

  private int begin(String step) {
    steps.add(new StepRecord(step, StepRecord.RUNNING, now(), null, null));
    Workflow.setCurrentDetails("Step: " + step);
    return steps.size() - 1;
  }

  private void finish(int index, String outcome, String detail) {
    StepRecord started = steps.get(index);
    StepRecord finished =
        new StepRecord(started.step(), outcome, started.startedAt(), now(), detail);
    steps.set(index, finished);
    // Step durations for Prometheus (flowviz_step_duration_seconds); the SDK drops metrics during
    // replay.
    Workflow.getMetricsScope()
        .tagged(
            Map.of(
                "workflow_type",
                Workflow.getInfo().getWorkflowType(),
                "step",
                started.step(),
                "outcome",
                outcome))
        .timer("flowviz_step_duration")
        .record(com.uber.m3.util.Duration.ofMillis(finished.duration().toMillis()));
    Workflow.setCurrentDetails("Last step: " + started.step() + " " + outcome);
    trail.record(started.step(), outcome, detail);
  }

  public static boolean isCancellation(Throwable e) {
    if (e instanceof CanceledFailure) {
      return true;
    }
    if (e instanceof ActivityFailure && e.getCause() instanceof CanceledFailure) {
      return true;
    }
    return CancellationScope.current().isCancelRequested();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
