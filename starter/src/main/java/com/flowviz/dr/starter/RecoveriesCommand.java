package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.procedures.Procedures;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Running and recent recoveries: the procedures of the runbook, newest first. */
@Command(
    name = "recoveries",
    description =
        "List running and recent recoveries (restores, failovers, incidents), newest first.")
class RecoveriesCommand implements Callable<Integer> {

  static final Set<String> RECOVERY_TYPES = Set.copyOf(Procedures.recoveryTypeNames());

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Option(names = "--limit", defaultValue = "20")
  int limit;

  @Mixin JsonOption output;

  record Recovery(
      String workflowId,
      String workflowType,
      String status,
      Instant startedAt,
      Instant closedAt,
      String scenario,
      String targetDatabase,
      String backupKey,
      String operator) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    WorkflowClient client = temporal.client();
    var service = client.getWorkflowServiceStubs().blockingStub();
    String namespace = client.getOptions().getNamespace();
    List<WorkflowExecutionInfo> executions = new ArrayList<>();
    // The list calls every Temporal server answers (the embedded dev server has no query language).
    executions.addAll(
        service
            .listOpenWorkflowExecutions(
                ListOpenWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(namespace)
                    .setMaximumPageSize(1000)
                    .build())
            .getExecutionsList());
    executions.addAll(
        service
            .listClosedWorkflowExecutions(
                ListClosedWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(namespace)
                    .setMaximumPageSize(1000)
                    .build())
            .getExecutionsList());
    List<Recovery> recoveries =
        executions.stream()
            .filter(e -> RECOVERY_TYPES.contains(e.getType().getName()))
            .sorted(
                Comparator.comparing((WorkflowExecutionInfo e) -> e.getStartTime().getSeconds())
                    .reversed())
            .limit(limit)
            .map(e -> recovery(client, e))
            .toList();
    if (output.json) {
      Output.json(out, recoveries);
      return 0;
    }
    if (recoveries.isEmpty()) {
      out.println("No recoveries.");
      out.flush();
      return 0;
    }
    out.printf(
        "%-50s %-24s %-11s %-23s %-10s %s%n",
        "WORKFLOW ID", "TYPE", "STATUS", "STARTED", "SCENARIO", "TARGET");
    for (Recovery r : recoveries) {
      out.printf(
          "%-50s %-24s %-11s %-23s %-10s %s%n",
          r.workflowId(),
          r.workflowType(),
          r.status(),
          Output.time(r.startedAt()),
          r.scenario() == null ? "-" : r.scenario(),
          r.targetDatabase() == null ? "-" : r.targetDatabase());
    }
    out.flush();
    return 0;
  }

  private static Recovery recovery(WorkflowClient client, WorkflowExecutionInfo e) {
    Map<String, String> attributes = new LinkedHashMap<>();
    var fields = e.getSearchAttributes().getIndexedFieldsMap();
    if (fields.isEmpty()) {
      // Some servers (the embedded dev server) leave them out of lists; a describe has them.
      fields =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(e.getExecution())
                      .build())
              .getWorkflowExecutionInfo()
              .getSearchAttributes()
              .getIndexedFieldsMap();
    }
    for (var key : RunSearchAttributes.ALL) {
      Payload payload = fields.get(key.getName());
      if (payload != null) {
        attributes.put(
            key.getName(),
            client
                .getOptions()
                .getDataConverter()
                .fromPayload(payload, String.class, String.class));
      }
    }
    return new Recovery(
        e.getExecution().getWorkflowId(),
        e.getType().getName(),
        e.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", ""),
        Instant.ofEpochSecond(e.getStartTime().getSeconds(), e.getStartTime().getNanos()),
        e.hasCloseTime()
            ? Instant.ofEpochSecond(e.getCloseTime().getSeconds(), e.getCloseTime().getNanos())
            : null,
        attributes.get(RunSearchAttributes.SCENARIO.getName()),
        attributes.get(RunSearchAttributes.TARGET_DATABASE.getName()),
        attributes.get(RunSearchAttributes.BACKUP_KEY.getName()),
        attributes.get(RunSearchAttributes.OPERATOR.getName()));
  }
}
