package com.flowviz.dr.starter;

import com.flowviz.dr.activities.audit.ChainVerification;
import com.flowviz.dr.activities.incident.StoredReport;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.compliance.FetchIncidentReportWorkflow;
import com.flowviz.dr.workflows.compliance.VerifyAuditTrailWorkflow;
import com.flowviz.dr.workflows.incident.Acknowledgement;
import com.flowviz.dr.workflows.incident.FollowUpTask;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflow;
import com.flowviz.dr.workflows.incident.IncidentFollowUpWorkflow;
import com.flowviz.dr.workflows.incident.RecoveryChoice;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What an operator does during and after an incident: choose, acknowledge, read the report, check
 * the trail.
 */
final class IncidentCommands {
  private IncidentCommands() {}

  /** Exit code of verify-audit when the chain is broken. */
  static final int AUDIT_TRAIL_BROKEN = 6;

  abstract static class OnIncident implements Callable<Integer> {
    @Mixin TemporalOptions temporal;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INCIDENT_ID")
    String incidentId;

    int refused(Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      spec.commandLine()
          .getErr()
          .println(
              "Refused: "
                  + (cause instanceof ApplicationFailure a
                      ? a.getOriginalMessage()
                      : cause.getMessage()));
      spec.commandLine().getErr().flush();
      return 1;
    }

    String followUpId() {
      return incidentId.endsWith("-follow-up") ? incidentId : incidentId + "-follow-up";
    }
  }

  @Command(
      name = "choose",
      description =
          "2.3: choose surgical, full-restore or abandon once the incident shows the data gap.")
  static class Choose extends OnIncident {
    @Parameters(
        index = "1",
        paramLabel = "CHOICE",
        description = "surgical, full-restore or abandon")
    String choice;

    @Option(names = "--by", description = "who decides (default: $USER)")
    String by;

    @Option(names = "--comment")
    String comment;

    @Override
    public Integer call() {
      try {
        String answer =
            temporal
                .client()
                .newWorkflowStub(HandleIncidentWorkflow.class, incidentId)
                .chooseRecovery(RecoveryChoice.of(choice, Ids.operator(by), comment));
        spec.commandLine().getOut().println(answer);
        spec.commandLine().getOut().flush();
        return 0;
      } catch (WorkflowUpdateException e) {
        return refused(e);
      } finally {
        temporal.close();
      }
    }
  }

  @Command(
      name = "acknowledge",
      description = "Mark a post-incident task (runbook 6.2, 6.3) done; see them with `tasks`.")
  static class Acknowledge extends OnIncident {
    @Parameters(index = "1", paramLabel = "TASK")
    String task;

    @Option(names = "--by", description = "who did it (default: $USER)")
    String by;

    @Option(names = "--note", description = "what was done, or where it is")
    String note;

    @Override
    public Integer call() {
      try {
        String answer =
            temporal
                .client()
                .newWorkflowStub(IncidentFollowUpWorkflow.class, followUpId())
                .acknowledge(new Acknowledgement(task, Ids.operator(by), note));
        spec.commandLine().getOut().println(answer);
        spec.commandLine().getOut().flush();
        return 0;
      } catch (WorkflowUpdateException e) {
        return refused(e);
      } finally {
        temporal.close();
      }
    }
  }

  @Command(
      name = "tasks",
      description = "The post-incident tasks, their deadlines, and who acknowledged them.")
  static class Tasks extends OnIncident {
    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
      try {
        List<FollowUpTask> tasks =
            temporal.client().newWorkflowStub(IncidentFollowUpWorkflow.class, followUpId()).tasks();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Output.json(out, tasks);
          return 0;
        }
        Instant now = Instant.now();
        for (FollowUpTask t : tasks) {
          String state =
              t.acknowledged()
                  ? "done by " + t.acknowledgedBy() + " " + Output.time(t.acknowledgedAt())
                  : now.isAfter(t.deadline())
                      ? "OVERDUE (" + t.escalations() + " escalations)"
                      : "due " + Output.time(t.deadline());
          out.printf("  %-24s %-4s %-40s %s%n", t.id(), t.window(), state, t.title());
        }
        out.flush();
        return 0;
      } finally {
        temporal.close();
      }
    }
  }

  @Command(
      name = "report",
      description =
          "Print an incident's report from the compliance location (Markdown, or --json).")
  static class Report extends OnIncident {
    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
      try {
        StoredReport report =
            temporal
                .client()
                .newWorkflowStub(
                    FetchIncidentReportWorkflow.class,
                    WorkflowOptions.newBuilder()
                        .setTaskQueue(TaskQueues.DR)
                        .setWorkflowId("report-" + incidentId + "-" + Ids.stamp(Instant.now()))
                        .build())
                .fetch(incidentId);
        if (json) {
          Output.json(spec.commandLine().getOut(), report.report());
        } else {
          spec.commandLine().getOut().print(report.markdown());
          spec.commandLine().getOut().flush();
        }
        return 0;
      } catch (WorkflowFailedException e) {
        return Failures.print(
            spec.commandLine().getErr(), spec.commandLine().getOut(), json, incidentId, e);
      } finally {
        temporal.close();
      }
    }
  }

  @Command(
      name = "verify-audit",
      description =
          "Recompute the audit trail's hash chain; names the first entry that breaks it (exit 6).")
  static class VerifyAudit implements Callable<Integer> {
    @Mixin TemporalOptions temporal;
    @Spec CommandSpec spec;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
      try {
        ChainVerification check =
            temporal
                .client()
                .newWorkflowStub(
                    VerifyAuditTrailWorkflow.class,
                    WorkflowOptions.newBuilder()
                        .setTaskQueue(TaskQueues.DR)
                        .setWorkflowId("verify-audit-" + Ids.stamp(Instant.now()))
                        .build())
                .verify();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Output.json(out, check);
        } else {
          out.println(
              (check.intact() ? "INTACT: " : "BROKEN at entry " + check.firstBrokenEntry() + ": ")
                  + check.finding());
          out.flush();
        }
        return check.intact() ? 0 : AUDIT_TRAIL_BROKEN;
      } catch (WorkflowFailedException e) {
        return Failures.print(
            spec.commandLine().getErr(), spec.commandLine().getOut(), json, "verify-audit", e);
      } finally {
        temporal.close();
      }
    }
  }
}
