package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflow;
import com.flowviz.dr.workflows.archive.RetrievalWait;
import com.flowviz.dr.workflows.archive.WeeklyRestoreProgress;
import com.flowviz.dr.workflows.archive.WeeklyRestoreResult;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.util.Objects;

/**
 * Follows a weekly restore: its own steps, the retrieval it waits for, then the 4.1 restore's
 * steps.
 */
final class WeeklyProgressPrinter {
  private final WorkflowClient client;
  private final PrintWriter out;
  private final boolean enabled;
  private final ProgressPrinter steps;
  private ProgressPrinter childSteps;
  private RetrievalWait announcedWait;
  private String childId;

  WeeklyProgressPrinter(WorkflowClient client, PrintWriter out, boolean enabled) {
    this.client = client;
    this.out = out;
    this.enabled = enabled;
    this.steps = new ProgressPrinter(out, enabled);
  }

  void poll(RestoreFromWeeklyBackupWorkflow workflow) {
    if (!enabled) {
      return;
    }
    WeeklyRestoreProgress progress;
    try {
      progress = workflow.progress();
    } catch (RuntimeException e) {
      return;
    }
    steps.finish(progress.steps());
    RetrievalWait wait = progress.retrieval();
    if (wait != null && wait.completedAt() == null && !Objects.equals(wait, announcedWait)) {
      announcedWait = wait;
      out.println(
          "  ... waiting for the retrieval of " + wait.key() + " from " + wait.archiveClass());
      out.println(
          "        tier "
              + wait.tier()
              + " ("
              + wait.expectedWindow()
              + "), "
              + wait.outcome().toLowerCase()
              + " at "
              + Output.time(wait.since())
              + ", expected by "
              + Output.time(wait.expectedBy())
              + "; looking every "
              + Output.duration(wait.pollInterval()));
      out.println(
          "        `flowviz-dr retrieved <workflow id>` looks at once (e.g. on an S3"
              + " ObjectRestore:Completed event)");
      out.flush();
    }
    if (progress.restoreWorkflowId() != null) {
      if (childId == null) {
        childId = progress.restoreWorkflowId();
        childSteps = new ProgressPrinter(out, true);
        out.println("  runbook 4.1 restore " + childId + ":");
        out.flush();
      }
      childSteps.poll(client.newWorkflowStub(RestoreFromBackupWorkflow.class, childId));
    }
  }

  void finish(WeeklyRestoreResult result) {
    if (!enabled) {
      return;
    }
    steps.finish(result.steps());
  }

  static void printResult(PrintWriter out, String workflowId, WeeklyRestoreResult result) {
    if (result.retrieval() != null) {
      RetrievalWait wait = result.retrieval();
      out.println();
      out.println(
          "Retrieval: "
              + wait.key()
              + " from "
              + wait.archiveClass()
              + ", tier "
              + wait.tier()
              + ", "
              + wait.outcome().toLowerCase()
              + "; readable after "
              + Output.duration(result.waited())
              + " ("
              + wait.completedBy()
              + "); the copy stays "
              + wait.days()
              + " days");
    }
    ResultPrinter.print(out, workflowId + "-restore", result.restore());
  }
}
