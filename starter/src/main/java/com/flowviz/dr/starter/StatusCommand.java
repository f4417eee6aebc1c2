package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflow;
import com.flowviz.dr.workflows.archive.WeeklyRestoreProgress;
import com.flowviz.dr.workflows.archive.WeeklyRestoreResult;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflow;
import com.flowviz.dr.workflows.incident.IncidentProgress;
import com.flowviz.dr.workflows.incident.IncidentResult;
import com.flowviz.dr.workflows.procedures.Procedures;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreProgress;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "status", description = "Show where a restore stands, or how it ended.")
class StatusCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "WORKFLOW_ID")
  String workflowId;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      WorkflowClient client = temporal.client();
      WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
      var description = stub.describe();
      WorkflowExecutionStatus status = description.getStatus();
      boolean weekly =
          Procedures.RESTORE_FROM_WEEKLY_BACKUP.typeName().equals(description.getWorkflowType());
      if (Procedures.HANDLE_INCIDENT.typeName().equals(description.getWorkflowType())) {
        return incident(client, stub, status, out);
      }
      Object progress = queryProgress(client, weekly);
      if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        if (output.json) {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("workflowId", workflowId);
          body.put("workflowType", description.getWorkflowType());
          body.put("status", "RUNNING");
          body.put("progress", progress);
          Output.json(out, body);
        } else {
          out.println(workflowId + " (" + description.getWorkflowType() + ") is running");
          if (weekly) {
            new WeeklyProgressPrinter(client, out, true)
                .poll(client.newWorkflowStub(RestoreFromWeeklyBackupWorkflow.class, workflowId));
          } else if (progress instanceof RestoreProgress p) {
            new ProgressPrinter(out, true).finish(p.steps());
            out.println("  current step: " + p.currentStep());
          }
          out.flush();
        }
        return 0;
      }
      if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
        if (weekly) {
          WeeklyRestoreResult result = stub.getResult(WeeklyRestoreResult.class);
          if (output.json) {
            Output.json(
                out,
                Map.of(
                    "workflowId",
                    workflowId,
                    "status",
                    result.restore().outcome(),
                    "result",
                    result));
          } else {
            new ProgressPrinter(out, true).finish(result.steps());
            WeeklyProgressPrinter.printResult(out, workflowId, result);
          }
          return RestoreResult.RESTORED.equals(result.restore().outcome()) ? 0 : 3;
        }
        RestoreResult result = stub.getResult(RestoreResult.class);
        if (output.json) {
          Output.json(
              out, Map.of("workflowId", workflowId, "status", result.outcome(), "result", result));
        } else {
          new ProgressPrinter(out, true).finish(result.steps());
          ResultPrinter.print(out, workflowId, result);
        }
        return RestoreResult.RESTORED.equals(result.outcome()) ? 0 : 3;
      }
      try {
        stub.getResult(Object.class);
      } catch (WorkflowFailedException e) {
        if (!output.json && progress instanceof RestoreProgress p) {
          new ProgressPrinter(out, true).finish(p.steps());
        } else if (!output.json && progress instanceof WeeklyRestoreProgress p) {
          new ProgressPrinter(out, true).finish(p.steps());
        }
        return Failures.print(spec.commandLine().getErr(), out, output.json, workflowId, e);
      }
      out.println(workflowId + ": " + status);
      return 1;
    } finally {
      temporal.close();
    }
  }

  private int incident(
      WorkflowClient client, WorkflowStub stub, WorkflowExecutionStatus status, PrintWriter out) {
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      IncidentResult result = stub.getResult(IncidentResult.class);
      if (output.json) {
        Output.json(
            out, Map.of("workflowId", workflowId, "status", result.outcome(), "result", result));
      } else {
        new ProgressPrinter(out, true).finish(result.steps());
        IncidentCommand.print(out, result);
      }
      return IncidentResult.RECOVERED.equals(result.outcome())
          ? 0
          : IncidentResult.RECOVERED_WITH_FINDINGS.equals(result.outcome()) ? 3 : 5;
    }
    IncidentProgress progress = null;
    try {
      progress = client.newWorkflowStub(HandleIncidentWorkflow.class, workflowId).progress();
    } catch (RuntimeException e) {
      // no worker answers right now
    }
    if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      try {
        stub.getResult(Object.class);
      } catch (WorkflowFailedException e) {
        if (!output.json && progress != null) {
          new ProgressPrinter(out, true).finish(progress.steps());
        }
        return Failures.print(spec.commandLine().getErr(), out, output.json, workflowId, e);
      }
      out.println(workflowId + ": " + status);
      return 1;
    }
    if (output.json) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("workflowId", workflowId);
      body.put("workflowType", Procedures.HANDLE_INCIDENT.typeName());
      body.put("status", "RUNNING");
      body.put("progress", progress);
      Output.json(out, body);
      return 0;
    }
    out.println(workflowId + " (incident) is running");
    if (progress != null) {
      new ProgressPrinter(out, true).finish(progress.steps());
      out.println("  current step: " + progress.currentStep());
      if (progress.procedureWorkflowId() != null) {
        out.println(
            "  procedure: "
                + progress.procedureWorkflowId()
                + "   (flowviz-dr status "
                + progress.procedureWorkflowId()
                + ")");
      }
      if (progress.awaiting() != null) {
        out.println("  waiting for you: " + progress.awaiting());
      }
    }
    out.flush();
    return 0;
  }

  /** The progress query's answer, or null when no worker answers right now. */
  private Object queryProgress(WorkflowClient client, boolean weekly) {
    try {
      return weekly
          ? client.newWorkflowStub(RestoreFromWeeklyBackupWorkflow.class, workflowId).progress()
          : client.newWorkflowStub(RestoreFromBackupWorkflow.class, workflowId).progress();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
