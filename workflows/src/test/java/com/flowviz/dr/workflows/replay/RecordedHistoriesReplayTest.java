package com.flowviz.dr.workflows.replay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.workflows.procedures.Procedure;
import com.flowviz.dr.workflows.procedures.Procedures;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every history recorded from earlier versions of the workflows against today's code, one
 * test per history file, so a failure names the history. A change that would break workflows
 * already running (a Glacier wait lasts days) fails here; such a change belongs behind {@code
 * Workflow.getVersion}.
 */
class RecordedHistoriesReplayTest {

  /**
   * The first replay loads the workflow classes inside a workflow thread; on a loaded machine that
   * alone outlasts the SDK's default second, which is a deadlock alarm, not a changed history.
   */
  private static final Duration DEADLOCK_DETECTION = Duration.ofSeconds(10);

  @Test
  void historiesAreRecorded() throws Exception {
    assertFalse(
        histories().isEmpty(),
        "recorded histories are checked in under src/test/resources/histories");
  }

  /** A procedure without a recorded history could change its commands and nothing would say so. */
  @Test
  void everyRegisteredProcedureHasARecordedHistory() throws Exception {
    Set<String> recorded = new TreeSet<>();
    for (String name : histories()) {
      String workflowId = name.substring(name.indexOf('@') + 1, name.length() - ".json".length());
      recorded.add(
          WorkflowExecutionHistory.fromJson(Files.readString(directory().resolve(name)), workflowId)
              .getEvents()
              .get(0)
              .getWorkflowExecutionStartedEventAttributes()
              .getWorkflowType()
              .getName());
    }
    List<String> missing =
        Procedures.ALL.stream()
            .map(Procedure::typeName)
            .filter(type -> !recorded.contains(type))
            .toList();
    assertTrue(
        missing.isEmpty(), "no recorded history of " + missing + " (recorded: " + recorded + ")");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void replaysOnTheCurrentWorkflowCode(String name) throws Exception {
    assertTrue(name.contains("@"), name + " must be named <description>@<workflow id>.json");
    String workflowId = name.substring(name.indexOf('@') + 1, name.length() - ".json".length());
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(Files.readString(directory().resolve(name)), workflowId);
    try (TestWorkflowEnvironment environment = TestWorkflowEnvironment.newInstance()) {
      Worker worker =
          environment.newWorker(
              "replay",
              WorkerOptions.newBuilder()
                  .setDefaultDeadlockDetectionTimeout(DEADLOCK_DETECTION.toMillis())
                  .build());
      worker.registerWorkflowImplementationTypes(Procedures.implementations());
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    } catch (Exception e) {
      // Surefire's report numbers the cases; the message names the history that broke.
      throw new AssertionError(name + " no longer replays on the current workflow code", e);
    }
  }

  /** The file names of the recorded histories, in order. */
  static List<String> histories() throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(directory())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .sorted()
          .toList();
    }
  }

  private static Path directory() throws URISyntaxException {
    return Path.of(RecordedHistoriesReplayTest.class.getResource("/histories").toURI());
  }
}
