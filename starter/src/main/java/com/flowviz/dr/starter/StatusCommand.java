package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreProgress;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "status", description = "Show where a restore stands, or how it ended.")
class StatusCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "WORKFLOW_ID")
  String workflowId;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      WorkflowStub stub = temporal.client().newUntypedWorkflowStub(workflowId);
      WorkflowExecutionDescription description = stub.describe();
      WorkflowExecutionStatus status = description.getStatus();
      RestoreProgress progress = null;
      try {
        progress = temporal.client().newWorkflowStub(RestoreFromBackupWorkflow.class, workflowId).progress();
      } catch (RuntimeException ignored) {
        // no worker to answer the query right now
      }
      if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
        RestoreResult result = stub.getResult(RestoreResult.class);
        if (json) {
          Output.json(out, Map.of("workflowId", workflowId, "status", result.outcome(), "result", result));
        } else {
          new ProgressPrinter(out, true).finish(result.steps());
          ResultPrinter.print(out, workflowId, result);
        }
        return RestoreResult.RESTORED.equals(result.outcome()) ? 0 : 3;
      }
      if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        if (json) {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("workflowId", workflowId);
          body.put("status", "RUNNING");
          body.put("progress", progress);
          Output.json(out, body);
        } else {
          out.println(workflowId + " is running" + (progress == null ? "" : ", current step: " + progress.currentStep()));
          if (progress != null) {
            new ProgressPrinter(out, true).finish(progress.steps());
          }
        }
        return 0;
      }
      try {
        stub.getResult(RestoreResult.class);
      } catch (WorkflowFailedException e) {
        if (progress != null && !json) {
          new ProgressPrinter(out, true).finish(progress.steps());
        }
        return Failures.print(spec.commandLine().getErr(), out, json, workflowId, e);
      }
      out.println(workflowId + ": " + status);
      return 1;
    } finally {
      temporal.close();
    }
  }
}
