package com.flowviz.dr.starter;

import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Commands that talk to a running procedure. */
final class SignalCommands {
  private SignalCommands() {}

  @Command(
      name = "retrieved",
      description =
          "Tell a weekly restore its Glacier/Deep Archive retrieval may be done, so it looks now.")
  static class Retrieved implements Callable<Integer> {
    @Mixin TemporalOptions temporal;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "WORKFLOW_ID")
    String workflowId;

    @Option(names = "--key", description = "the object the S3 event names; other keys are ignored")
    String key;

    @Option(names = "--json", description = "print the outcome as JSON, for scripts")
    boolean json;

    @Override
    public Integer call() {
      try {
        temporal.client().newUntypedWorkflowStub(workflowId).signal("archiveRetrieved", key);
        if (json) {
          Output.json(
              spec.commandLine().getOut(),
              Map.of("workflowId", workflowId, "signalled", "archiveRetrieved"));
          return 0;
        }
        spec.commandLine()
            .getOut()
            .println("Told " + workflowId + " to look at its retrieval now.");
        spec.commandLine().getOut().flush();
        return 0;
      } finally {
        temporal.close();
      }
    }
  }

  @Command(
      name = "cancel",
      description =
          "Cancel a procedure. It stops cleanly, records the cancellation, and never leaves a"
              + " half-swapped database.")
  static class Cancel implements Callable<Integer> {
    @Mixin TemporalOptions temporal;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "print the outcome as JSON, for scripts")
    boolean json;

    @Parameters(paramLabel = "WORKFLOW_ID")
    String workflowId;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        WorkflowStub stub = temporal.client().newUntypedWorkflowStub(workflowId);
        stub.cancel();
        if (json) {
          Output.json(out, Map.of("workflowId", workflowId, "cancellationRequested", true));
          return 0;
        }
        out.println(
            "Cancellation requested for "
                + workflowId
                + "; `flowviz-dr status "
                + workflowId
                + "` shows how it ended.");
        out.flush();
        return 0;
      } finally {
        temporal.close();
      }
    }
  }
}
