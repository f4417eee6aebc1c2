package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceRequest;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "teardown-instance",
    description = "Remove an instance made by restore-new-instance, and its password secret.")
class TeardownInstanceCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "INSTANCE_NAME")
  String instanceName;

  @Option(names = "--region")
  String region;

  @Mixin OperatorOption operator;

  @Option(names = "--json", description = "print the outcome as JSON, for scripts")
  boolean json;

  @Option(names = "--reason")
  String reason;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String id = "teardown-" + instanceName + "-" + Ids.stamp(Instant.now());
    try {
      boolean removed =
          temporal
              .client()
              .newWorkflowStub(
                  TeardownInstanceWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue(TaskQueues.DR)
                      .setWorkflowId(id)
                      .build())
              .teardown(
                  TeardownInstanceRequest.builder()
                      .instanceName(instanceName)
                      .region(region)
                      .operator(operator.operator())
                      .reason(reason)
                      .build());
      if (json) {
        Output.json(
            out, Map.of("workflowId", id, "instanceName", instanceName, "removed", removed));
        return 0;
      }
      out.println(
          removed
              ? "Removed instance " + instanceName + "."
              : "There was no instance " + instanceName + ".");
      out.flush();
      return 0;
    } catch (WorkflowFailedException e) {
      return Failures.print(spec.commandLine().getErr(), out, json, id, e);
    } finally {
      temporal.close();
    }
  }
}
