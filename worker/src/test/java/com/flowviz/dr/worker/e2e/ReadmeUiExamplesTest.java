package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.procedures.Procedure;
import com.flowviz.dr.workflows.procedures.Procedures;
import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.workflow.WorkflowMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every JSON example in the README, sent exactly as the Temporal UI's start form sends it: a
 * StartWorkflowExecution request over gRPC whose input is one {@code json/plain} payload, plus a
 * field the workflow does not know. The workflow accepts it: its first workflow task completes
 * without an InvalidInput failure (then the test ends it, before the example does anything).
 */
class ReadmeUiExamplesTest {

  private static final Pattern EXAMPLE =
      Pattern.compile("<!-- ui-input: (\\w+) -->\\s*```json\\n(.*?)```", Pattern.DOTALL);

  /** The procedures an operator starts with an input (VerifyAuditTrail takes none). */
  private static final List<String> STARTABLE =
      Procedures.ALL.stream()
          .filter(Procedure::startedByOperators)
          .filter(procedure -> takesInput(procedure.workflowInterface()))
          .map(Procedure::typeName)
          .toList();

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every example in the README, in order; a workflow type may have several. */
  static List<Map.Entry<String, String>> examples() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    List<Map.Entry<String, String>> examples = new java.util.ArrayList<>();
    Matcher m = EXAMPLE.matcher(readme);
    while (m.find()) {
      examples.add(Map.entry(m.group(1), m.group(2)));
    }
    return examples;
  }

  private static boolean takesInput(Class<?> workflowInterface) {
    return Arrays.stream(workflowInterface.getMethods())
        .anyMatch(m -> m.isAnnotationPresent(WorkflowMethod.class) && m.getParameterCount() > 0);
  }

  static Stream<Arguments> readmeExamples() throws IOException {
    return examples().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @Test
  void theReadmeHasAnExampleForEveryWorkflowAnOperatorStarts() throws IOException {
    assertEquals(
        STARTABLE.stream().sorted().toList(),
        examples().stream().map(Map.Entry::getKey).distinct().sorted().toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readmeExamples")
  void theWorkflowAcceptsTheExampleAsTheUiSendsIt(String workflowType, String example)
      throws Exception {
    JsonNode input = JSON.readTree(example);
    if (input instanceof ObjectNode object) {
      object.put("addedByTheUi", "unknown fields are ignored");
    }
    String workflowId = "ui-example-" + workflowType + "-" + UUID.randomUUID();
    var service = WorkerTestStack.get().client.getWorkflowServiceStubs().blockingStub();
    service.startWorkflowExecution(
        StartWorkflowExecutionRequest.newBuilder()
            .setNamespace("default")
            .setWorkflowId(workflowId)
            .setRequestId(UUID.randomUUID().toString())
            .setWorkflowType(WorkflowType.newBuilder().setName(workflowType))
            .setTaskQueue(TaskQueue.newBuilder().setName(TaskQueues.DR))
            .setIdentity("temporal-ui")
            .setInput(
                Payloads.newBuilder()
                    .addPayloads(
                        Payload.newBuilder()
                            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
                            .setData(
                                ByteString.copyFrom(
                                    JSON.writeValueAsString(input), StandardCharsets.UTF_8))))
            .build());
    try {
      List<HistoryEvent> events = awaitFirstWorkflowTask(workflowId);
      for (HistoryEvent event : events) {
        if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED) {
          var failure = event.getWorkflowExecutionFailedEventAttributes().getFailure();
          assertTrue(
              !failure.getApplicationFailureInfo().getType().equals("InvalidInput"),
              workflowType + " refused: " + failure.getMessage());
        }
        assertTrue(
            event.getEventType() != EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
            workflowType
                + ": the workflow task failed: "
                + event.getWorkflowTaskFailedEventAttributes().getFailure().getMessage());
      }
    } finally {
      try {
        service.terminateWorkflowExecution(
            TerminateWorkflowExecutionRequest.newBuilder()
                .setNamespace("default")
                .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .setReason("README example checked")
                .build());
      } catch (io.grpc.StatusRuntimeException alreadyClosed) {
        // it finished on its own
      }
    }
  }

  /** The history up to the first completed or failed workflow task. */
  private static List<HistoryEvent> awaitFirstWorkflowTask(String workflowId)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      List<HistoryEvent> events =
          WorkerTestStack.get().client.fetchHistory(workflowId).getHistory().getEventsList();
      if (events.stream()
          .anyMatch(
              e ->
                  e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
                      || e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)) {
        return events;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(workflowId + ": no workflow task within 20 s: " + events);
      }
      Thread.sleep(50);
    }
  }
}
