package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflow;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A person's answer at a gate: a failover's dns-switch or stale-backup, an incident's swap, a new
 * instance's repoint. Every gated workflow takes the same "decide" update, so one stub serves all.
 */
final class DecisionCommands {
  private DecisionCommands() {}

  abstract static class Decide implements Callable<Integer> {
    @Mixin TemporalOptions temporal;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "WORKFLOW_ID")
    String workflowId;

    @Option(
        names = "--gate",
        defaultValue = Decision.DNS_SWITCH,
        description =
            "dns-switch (default), stale-backup, failback-data-loss (a failback over newer DR"
                + " data), swap (an incident held by its policy), repoint (4.3) or row-loss (a 4.1"
                + " restore without a manifest that would empty live tables)")
    String gate;

    @Option(names = "--by", description = "who decides (default: $USER)")
    String by;

    @Option(names = "--comment")
    String comment;

    @Option(names = "--json", description = "print the outcome as JSON, for scripts")
    boolean json;

    abstract boolean approve();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        String answer =
            temporal
                .client()
                .newWorkflowStub(CrossRegionFailoverWorkflow.class, workflowId)
                .decide(new Decision(gate, approve(), Ids.operator(by), comment, null));
        if (json) {
          Output.json(
              out,
              Map.of(
                  "workflowId", workflowId, "gate", gate, "approved", approve(), "answer", answer));
          return 0;
        }
        out.println(answer);
        out.flush();
        return 0;
      } catch (WorkflowUpdateException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        String why =
            cause instanceof ApplicationFailure a ? a.getOriginalMessage() : cause.getMessage();
        if (json) {
          Output.json(out, Map.of("workflowId", workflowId, "gate", gate, "refused", why));
          return 1;
        }
        spec.commandLine().getErr().println("Refused: " + why);
        spec.commandLine().getErr().flush();
        return 1;
      } finally {
        temporal.close();
      }
    }
  }

  @Command(
      name = "approve",
      description =
          "Approve at a gate: a failover's DNS switch (--gate stale-backup: restoring an old"
              + " backup), an incident's swap (--gate swap), a new instance's repoint (--gate"
              + " repoint).")
  static class Approve extends Decide {
    @Override
    boolean approve() {
      return true;
    }
  }

  @Command(
      name = "reject",
      description =
          "Reject at a gate: the workflow changes nothing more, ends cleanly and records who"
              + " rejected.")
  static class Reject extends Decide {
    @Override
    boolean approve() {
      return false;
    }
  }
}
