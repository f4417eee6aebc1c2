package com.flowviz.dr.workflows.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.notify.Notification;
import com.flowviz.dr.activities.notify.NotificationReceipt;
import com.flowviz.dr.activities.notify.NotifyActivities;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The 24-hour and 7-day deadlines under the test server's skipping clock. */
class IncidentFollowUpWorkflowTest {

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final NotifyActivities notify =
      mock(NotifyActivities.class, withSettings().withoutAnnotations());
  private final List<Notification> sent = new CopyOnWriteArrayList<>();
  private final List<AuditEntry> audit = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(IncidentFollowUpWorkflowImpl.class);
    worker.registerActivitiesImplementations(notify, new RecordingAudit(audit));
    when(notify.notify(any()))
        .thenAnswer(
            i -> {
              Notification n = i.getArgument(0);
              sent.add(n);
              return new NotificationReceipt(n.eventId(), List.of("webhook:generic"));
            });
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void theSevenDayTasksAreRemindedThenEscalatedDailyUntilAcknowledged() {
    Instant recovered = Instant.ofEpochMilli(env.currentTimeMillis());
    IncidentFollowUpWorkflow followUp =
        client.newWorkflowStub(
            IncidentFollowUpWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("incident-f-follow-up")
                .build());
    WorkflowClient.start(
        followUp::followUp,
        FollowUpRequest.builder()
            .incidentId("incident-f")
            .scenario("2.1 database-corruption")
            .operator("alice")
            .recoveredAt(recovered)
            .dataGapSummary("lots: 3 rows written after the backup")
            .rpoSummary("backup 40 min before")
            .reportUri("s3://flowviz-compliance/incidents/incident-f/report.md")
            .build());
    for (String task :
        List.of("incident-report", "backup-timing-review", "lost-transactions", "runbook-update")) {
      followUp.acknowledge(new Acknowledgement(task, "alice", "done"));
    }

    env.sleep(Duration.ofDays(5).plusHours(23));
    assertTrue(
        sent.stream().noneMatch(n -> n.eventId().contains("7d")),
        "nothing about the 7-day tasks before day 6");
    env.sleep(Duration.ofHours(2));
    assertEquals(
        List.of("incident-f:reminder-7d"), ids("7d"), "the reminder a day before the deadline");
    env.sleep(Duration.ofDays(1));
    assertEquals(List.of("incident-f:reminder-7d", "incident-f:escalation-7d-1"), ids("7d"));
    Notification escalation =
        sent.stream()
            .filter(n -> n.eventId().equals("incident-f:escalation-7d-1"))
            .findFirst()
            .orElseThrow();
    assertEquals("critical", escalation.severity());
    assertTrue(
        escalation.details().containsKey("haccp-incident-filing"), escalation.details().toString());
    env.sleep(Duration.ofDays(1));
    assertEquals(
        "incident-f:escalation-7d-2",
        ids("7d").get(2),
        "escalated again each day it stays overdue");

    for (String task :
        List.of(
            "haccp-incident-filing",
            "regulatory-data-gaps",
            "objectives-review",
            "review-meeting")) {
      followUp.acknowledge(new Acknowledgement(task, "quinn", "filed as HACCP-2025-17"));
    }
    client
        .newUntypedWorkflowStub("incident-f-follow-up")
        .getResult(List.class); // ends once every task is acknowledged
    List<FollowUpTask> tasks = followUp.tasks();
    assertTrue(tasks.stream().allMatch(FollowUpTask::acknowledged));
    assertTrue(
        audit.stream()
            .anyMatch(
                e ->
                    e.step().equals("follow-up-acknowledged")
                        && e.details().contains("after its deadline")));
    assertTrue(audit.stream().anyMatch(e -> e.step().equals("follow-up-escalation")));
    assertTrue(
        sent.stream().noneMatch(n -> n.eventId().contains("24h")),
        "acknowledged in time, never reminded");
    HistoryRecorder.recordIfAsked(
        client, "incident-f-follow-up", "incident-follow-up-v1-escalated");
  }

  @Test
  void anUnknownTaskIsRefusedNamingTheTasks() {
    IncidentFollowUpWorkflow followUp =
        client.newWorkflowStub(
            IncidentFollowUpWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("incident-g-follow-up")
                .build());
    WorkflowClient.start(
        followUp::followUp,
        FollowUpRequest.builder()
            .incidentId("incident-g")
            .scenario("2.2")
            .operator("bob")
            .recoveredAt(Instant.ofEpochMilli(env.currentTimeMillis()))
            .reportUri("s3://x/y")
            .build());
    WorkflowUpdateException refused =
        assertThrows(
            WorkflowUpdateException.class,
            () -> followUp.acknowledge(new Acknowledgement("coffee", "bob", null)));
    assertTrue(
        refused.getCause().getMessage().contains("haccp-incident-filing"),
        refused.getCause().getMessage());
  }

  // ---- Issue 16: every task acknowledged before any reminder or escalation ----

  @Test
  void pathEveryTaskAcknowledgedBeforeEscalationEndsQuietly() {
    IncidentFollowUpWorkflow followUp =
        client.newWorkflowStub(
            IncidentFollowUpWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("incident-a-follow-up")
                .build());
    WorkflowClient.start(
        followUp::followUp,
        new FollowUpRequest(
            "incident-a",
            "2.4 accidental-deletion",
            "alice",
            Instant.ofEpochMilli(env.currentTimeMillis()),
            "none",
            "backup 10 min before",
            "s3://flowviz-compliance/incidents/incident-a/report.md",
            null,
            null));
    env.sleep(Duration.ofHours(3));
    for (String task :
        List.of(
            "incident-report",
            "backup-timing-review",
            "lost-transactions",
            "runbook-update",
            "haccp-incident-filing",
            "regulatory-data-gaps",
            "objectives-review",
            "review-meeting")) {
      followUp.acknowledge(new Acknowledgement(task, "alice", "done"));
    }

    client.newUntypedWorkflowStub("incident-a-follow-up").getResult(List.class);

    assertTrue(followUp.tasks().stream().allMatch(FollowUpTask::acknowledged));
    assertTrue(sent.stream().noneMatch(n -> n.eventId().contains("escalation")), sent.toString());
    assertTrue(sent.stream().noneMatch(n -> n.eventId().contains("reminder")), sent.toString());
    assertTrue(audit.stream().noneMatch(e -> e.step().equals("follow-up-escalation")));
    HistoryRecorder.recordIfAsked(
        client, "incident-a-follow-up", "incident-follow-up-v8-paths-acknowledged-in-time");
  }

  private List<String> ids(String window) {
    return sent.stream().map(Notification::eventId).filter(e -> e.contains(window)).toList();
  }
}
