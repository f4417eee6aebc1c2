package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreProgress;
import java.io.PrintWriter;
import java.util.List;

/**
 * Prints each step as it finishes, and the step in progress, from the workflow's progress query.
 */
final class ProgressPrinter {
  private final PrintWriter out;
  private final boolean enabled;
  private int printed;
  private String announced;

  ProgressPrinter(PrintWriter out, boolean enabled) {
    this.out = out;
    this.enabled = enabled;
  }

  void poll(RestoreFromBackupWorkflow workflow) {
    if (!enabled) {
      return;
    }
    RestoreProgress progress;
    try {
      progress = workflow.progress();
    } catch (RuntimeException e) {
      return; // not started by a worker yet, or already closed: the result will tell
    }
    finish(progress.steps());
    if (progress.currentStep() != null && !progress.currentStep().equals(announced)) {
      announced = progress.currentStep();
      out.println("  ... " + announced);
      out.flush();
    }
  }

  void finish(List<StepRecord> steps) {
    if (!enabled) {
      return;
    }
    while (printed < steps.size() && !StepRecord.RUNNING.equals(steps.get(printed).outcome())) {
      StepRecord step = steps.get(printed++);
      String mark =
          switch (step.outcome()) {
            case StepRecord.SUCCEEDED -> "ok  ";
            case StepRecord.SKIPPED -> "skip";
            case StepRecord.CANCELLED -> "stop";
            default -> "FAIL";
          };
      out.printf(
          "  %s %-30s %8s  %s%n",
          mark,
          step.step(),
          Output.duration(step.duration()),
          step.detail() == null ? "" : step.detail());
    }
    out.flush();
  }
}
