package com.flowviz.dr.workflows.incident;

import com.flowviz.dr.workflows.DurationInput;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Notifier;
import com.flowviz.dr.workflows.common.StepRecord;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

public class IncidentFollowUpWorkflowImpl implements IncidentFollowUpWorkflow {

  /** Past this many history events the workflow continues as new, carrying its tasks. */
  private static final int HISTORY_LIMIT = 5000;

  private final List<FollowUpTask> tasks = new ArrayList<>();
  private final AuditTrail trail;
  private int acknowledgements;

  /**
   * The tasks exist before the workflow method runs: an acknowledgement sent right after the start
   * can be delivered in the first workflow task, ahead of the method, and must find its task.
   */
  @WorkflowInit
  public IncidentFollowUpWorkflowImpl(FollowUpRequest request) {
    trail = new AuditTrail(request.operator());
    tasks.addAll(request.tasks() == null ? FollowUpTasks.forIncident(request) : request.tasks());
  }

  @Override
  public List<FollowUpTask> followUp(FollowUpRequest request) {
    Notifier notifier = new Notifier(trail, request.incidentId());
    Duration repeat =
        DurationInput.parse(
            "escalationRepeat",
            request.escalationRepeat(),
            Duration.ofDays(1),
            Duration.ofMinutes(1),
            Duration.ofDays(30));
    if (request.tasks() == null) {
      trail.record(
          "follow-up-scheduled",
          StepRecord.RUNNING,
          tasks.stream()
              .map(t -> t.id() + " due " + t.deadline())
              .collect(Collectors.joining("; ")));
    }
    while (tasks.stream().anyMatch(t -> !t.acknowledged())) {
      Instant now = now();
      sendDueReminders(notifier, request, now);
      sendDueEscalations(notifier, request, now, repeat);
      Instant next = nextEvent(repeat);
      int seen = acknowledgements;
      Workflow.await(
          Duration.between(now, next).isNegative() ? Duration.ZERO : Duration.between(now, next),
          () -> acknowledgements != seen);
      if (Workflow.getInfo().getHistoryLength() > HISTORY_LIMIT
          && tasks.stream().anyMatch(t -> !t.acknowledged())) {
        notifier.awaitDeliveries(Duration.ofHours(1));
        trail.awaitAll();
        IncidentFollowUpWorkflow next2 =
            Workflow.newContinueAsNewStub(IncidentFollowUpWorkflow.class);
        return next2.followUp(request.withTasks(List.copyOf(tasks)));
      }
    }
    trail.record(
        "follow-up",
        StepRecord.SUCCEEDED,
        "all " + tasks.size() + " post-incident tasks acknowledged");
    notifier.send(
        "follow-up-complete",
        "info",
        "resolve",
        "Incident " + request.incidentId() + ": all post-incident tasks are done",
        Map.of(
            "tasks",
            tasks.stream()
                .map(t -> t.id() + " by " + t.acknowledgedBy())
                .collect(Collectors.joining(", "))));
    notifier.awaitDeliveries(Duration.ofHours(1));
    trail.awaitAll();
    return List.copyOf(tasks);
  }

  private void sendDueReminders(Notifier notifier, FollowUpRequest request, Instant now) {
    Map<String, List<FollowUpTask>> byWindow = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      FollowUpTask t = tasks.get(i);
      if (!t.acknowledged()
          && t.remindedAt() == null
          && !now.isBefore(t.reminderAt())
          && now.isBefore(t.deadline())) {
        tasks.set(i, t.reminded(now));
        byWindow.computeIfAbsent(t.window(), w -> new ArrayList<>()).add(t);
      }
    }
    byWindow.forEach(
        (window, due) -> {
          String summary =
              "Incident "
                  + request.incidentId()
                  + ": "
                  + due.size()
                  + " task(s) due by "
                  + due.get(0).deadline()
                  + " ("
                  + window
                  + " deadline)";
          trail.record("follow-up-reminder", StepRecord.SUCCEEDED, summary + ": " + ids(due));
          notifier.send("reminder-" + window, "warning", "trigger", summary, details(due));
        });
  }

  private void sendDueEscalations(
      Notifier notifier, FollowUpRequest request, Instant now, Duration repeat) {
    Map<String, List<FollowUpTask>> byWindow = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      FollowUpTask t = tasks.get(i);
      if (!t.acknowledged() && !now.isBefore(nextEscalation(t, repeat))) {
        FollowUpTask escalated = t.escalated(now);
        tasks.set(i, escalated);
        byWindow
            .computeIfAbsent(t.window() + "-" + escalated.escalations(), w -> new ArrayList<>())
            .add(escalated);
      }
    }
    byWindow.forEach(
        (key, due) -> {
          String summary =
              "ESCALATION: incident "
                  + request.incidentId()
                  + ": "
                  + due.size()
                  + " task(s) overdue since "
                  + due.get(0).deadline()
                  + " and not acknowledged";
          trail.record("follow-up-escalation", StepRecord.FAILED, summary + ": " + ids(due));
          notifier.send("escalation-" + key, "critical", "trigger", summary, details(due));
        });
  }

  private static Instant nextEscalation(FollowUpTask t, Duration repeat) {
    return t.lastEscalatedAt() == null ? t.deadline() : t.lastEscalatedAt().plus(repeat);
  }

  private Instant nextEvent(Duration repeat) {
    Instant next = null;
    for (FollowUpTask t : tasks) {
      if (t.acknowledged()) {
        continue;
      }
      Instant candidate =
          t.remindedAt() == null && now().isBefore(t.reminderAt())
              ? t.reminderAt()
              : nextEscalation(t, repeat);
      if (next == null || candidate.isBefore(next)) {
        next = candidate;
      }
    }
    return next;
  }

  private static String ids(List<FollowUpTask> due) {
    return due.stream().map(FollowUpTask::id).collect(Collectors.joining(", "));
  }

  private static Map<String, String> details(List<FollowUpTask> due) {
    Map<String, String> details = new LinkedHashMap<>();
    for (FollowUpTask t : due) {
      details.put(
          t.id(),
          t.title() + (t.hint() == null ? "" : " (" + t.hint() + ")") + "; due " + t.deadline());
    }
    details.put("acknowledge", "flowviz-dr acknowledge <incident-id> <task> --by NAME");
    return details;
  }

  @Override
  public String acknowledge(Acknowledgement acknowledgement) {
    acknowledged(acknowledgement);
    List<String> remaining =
        tasks.stream().filter(t -> !t.acknowledged()).map(FollowUpTask::id).toList();
    return "Acknowledged "
        + acknowledgement.task()
        + "; "
        + (remaining.isEmpty()
            ? "all tasks are done."
            : "remaining: " + String.join(", ", remaining));
  }

  @Override
  public void validateAcknowledgement(Acknowledgement acknowledgement) {
    if (acknowledgement == null || acknowledgement.by() == null || acknowledgement.by().isBlank()) {
      throw new IllegalArgumentException(
          "An acknowledgement names who did the task (by), for the audit trail.");
    }
    if (find(acknowledgement.task()) < 0) {
      throw new IllegalArgumentException(
          "There is no task \""
              + acknowledgement.task()
              + "\"; the tasks are "
              + tasks.stream().map(FollowUpTask::id).collect(Collectors.joining(", "))
              + ".");
    }
  }

  @Override
  public void acknowledged(Acknowledgement acknowledgement) {
    if (acknowledgement == null || acknowledgement.by() == null || acknowledgement.by().isBlank()) {
      return;
    }
    int index = find(acknowledgement.task());
    if (index < 0 || tasks.get(index).acknowledged()) {
      return; // unknown, or acknowledged before: the first acknowledgement stands
    }
    FollowUpTask task =
        tasks.get(index).acknowledge(acknowledgement.by(), now(), acknowledgement.note());
    tasks.set(index, task);
    acknowledgements++;
    trail.record(
        "follow-up-acknowledged",
        StepRecord.SUCCEEDED,
        task.id()
            + " by "
            + task.acknowledgedBy()
            + (task.acknowledgedAt().isAfter(task.deadline())
                ? " (after its deadline " + task.deadline() + ")"
                : "")
            + (task.note() == null || task.note().isBlank() ? "" : ": " + task.note()));
  }

  @Override
  public List<FollowUpTask> tasks() {
    return List.copyOf(tasks);
  }

  private int find(String id) {
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
