package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;

/**
 * The steps of the runbook 4.1 restore a procedure runs as its child, under the procedure's own.
 */
final class ChildRestorePrinter {

  private final WorkflowClient client;
  private final PrintWriter out;
  private ProgressPrinter steps;

  ChildRestorePrinter(WorkflowClient client, PrintWriter out) {
    this.client = client;
    this.out = out;
  }

  /**
   * @param restoreWorkflowId null until the procedure has started its restore
   */
  void poll(String restoreWorkflowId) {
    if (restoreWorkflowId == null) {
      return;
    }
    if (steps == null) {
      steps = new ProgressPrinter(out, true);
      out.println("  runbook 4.1 restore " + restoreWorkflowId + ":");
    }
    steps.poll(client.newWorkflowStub(RestoreFromBackupWorkflow.class, restoreWorkflowId));
  }
}
