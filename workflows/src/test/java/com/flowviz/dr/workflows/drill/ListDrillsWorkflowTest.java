package com.flowviz.dr.workflows.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.drill.DrillActivities;
import com.flowviz.dr.activities.drill.DrillReport;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.TestEnvironments;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The drill history: the stored reports, newest first, with the RTO trend over them. */
class ListDrillsWorkflowTest {

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final DrillActivities drills =
      mock(DrillActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void setUp() {
    env = TestEnvironments.withSearchAttributes();
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(ListDrillsWorkflowImpl.class);
    worker.registerActivitiesImplementations(drills);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private static DrillReport passed(String id, Instant finishedAt, Duration rto) {
    return new DrillReport(
        id,
        DrillReport.PASSED,
        "alice",
        finishedAt.minus(rto),
        finishedAt,
        "s3://flowviz-backups/daily/x.dump.gpg",
        finishedAt.minus(Duration.ofHours(2)),
        100L,
        Duration.ofHours(2),
        "WITHIN_TARGET",
        rto,
        "WITHIN_TARGET",
        Duration.ofMinutes(15),
        Duration.ofHours(1),
        true,
        List.of(),
        "scratch-" + id,
        "local",
        true,
        id + "-restore",
        List.of(),
        null,
        "dump");
  }

  @Test
  void theRecentDrillsComeWithTheirRtoTrend() {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    List<DrillReport> reports =
        List.of(
            passed("drill-3", now.minus(Duration.ofDays(1)), Duration.ofMinutes(12)),
            passed("drill-2", now.minus(Duration.ofDays(8)), Duration.ofMinutes(11)),
            passed("drill-1", now.minus(Duration.ofDays(15)), Duration.ofMinutes(10)));
    when(drills.recentDrillReports(3)).thenReturn(reports);

    DrillHistory history =
        client
            .newWorkflowStub(
                ListDrillsWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(TaskQueues.DR)
                    .setWorkflowId("list-drills-1")
                    .build())
            .list(DrillHistoryRequest.builder().limit(3).build());

    assertEquals(reports, history.drills());
    assertEquals(3, history.trend().drills());
    assertEquals(Duration.ofMinutes(12), history.trend().latest());
    HistoryRecorder.recordIfAsked(client, "list-drills-1", "list-drills-v8-paths-with-trend");
  }
}
