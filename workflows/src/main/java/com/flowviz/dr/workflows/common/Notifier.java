package com.flowviz.dr.workflows.common;

import com.flowviz.dr.activities.notify.Notification;
import com.flowviz.dr.activities.notify.NotificationReceipt;
import com.flowviz.dr.activities.notify.NotifyActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tells stakeholders without ever holding up a recovery: each notification is delivered in the
 * background. Every delivery that fails is written to the audit trail and tried again, with growing
 * pauses, for up to a day, on the channels that have not had it yet.
 */
public final class Notifier {

  private static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(2))
                  .setBackoffCoefficient(2.0)
                  // The retries are the workflow's, so each failure can be put on record.
                  .setMaximumAttempts(1)
                  .build())
          .build();
  private static final Duration FIRST_PAUSE = Duration.ofSeconds(5);
  private static final Duration LONGEST_PAUSE = Duration.ofHours(1);
  private static final Duration GIVE_UP_AFTER = Duration.ofDays(1);

  private final NotifyActivities notify = Workflow.newActivityStub(NotifyActivities.class, OPTIONS);
  private final AuditTrail trail;
  private final String incidentId;
  private final List<Promise<Void>> pending = new ArrayList<>();
  private final List<Notification> sent = new ArrayList<>();
  private final List<String> undelivered = new ArrayList<>();

  public Notifier(AuditTrail trail, String incidentId) {
    this.trail = trail;
    this.incidentId = incidentId;
  }

  /**
   * Sends in the background; returns at once.
   *
   * @param event unique within the incident ("declared", "resolved", "reminder-24h-1", ...)
   */
  public void send(
      String event, String severity, String action, String summary, Map<String, String> details) {
    Notification notification =
        new Notification(incidentId + ":" + event, incidentId, severity, action, summary, details);
    // Detached: a cancelled recovery still tells people it was cancelled.
    sent.add(notification);
    Workflow.newDetachedCancellationScope(
            () -> pending.add(Async.procedure(this::deliver, notification)))
        .run();
  }

  private void deliver(Notification first) {
    long started = Workflow.currentTimeMillis();
    Duration pause = FIRST_PAUSE;
    Notification notification = first;
    for (int round = 1; ; round++) {
      try {
        NotificationReceipt receipt = notify.notify(notification);
        trail.record(
            "notification",
            StepRecord.SUCCEEDED,
            notification.summary()
                + " -> "
                + String.join(", ", receipt.delivered())
                + (round > 1 ? " (round " + round + ")" : ""));
        return;
      } catch (ActivityFailure e) {
        if (e.getCause() instanceof ApplicationFailure failure
            && NotifyActivities.NOT_DELIVERED.equals(failure.getType())
            && failure.getDetails().getSize() > 0) {
          @SuppressWarnings("unchecked")
          List<String> reached = failure.getDetails().get(List.class);
          notification = notification.alsoDeliveredTo(reached);
        }
        boolean givingUp =
            Workflow.currentTimeMillis() - started + pause.toMillis() > GIVE_UP_AFTER.toMillis();
        trail.record(
            "notification",
            StepRecord.FAILED,
            notification.summary()
                + ": "
                + Failures.rootMessage(e)
                + (givingUp ? "; giving up" : "; trying again in " + pause));
        if (givingUp) {
          undelivered.add(notification.eventId());
          return;
        }
        Workflow.sleep(pause);
        pause =
            pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0
                ? LONGEST_PAUSE
                : pause.multipliedBy(2);
      }
    }
  }

  /**
   * Waits for deliveries still retrying, at most {@code bound}; what is still undelivered then is
   * written to the audit trail, so someone tells those stakeholders by hand. True when all settled.
   */
  public boolean awaitDeliveries(Duration bound) {
    boolean[] settled = new boolean[1];
    Workflow.newDetachedCancellationScope(
            () -> {
              settled[0] =
                  Workflow.await(bound, () -> pending.stream().allMatch(Promise::isCompleted));
              for (int i = 0; i < pending.size(); i++) {
                if (!pending.get(i).isCompleted()) {
                  undelivered.add(sent.get(i).eventId());
                  trail.record(
                      "notification",
                      StepRecord.FAILED,
                      sent.get(i).summary()
                          + ": still not delivered when the workflow closed; tell these"
                          + " stakeholders by hand");
                }
              }
            })
        .run();
    return settled[0];
  }

  /** Event ids given up on. */
  public List<String> undelivered() {
    return List.copyOf(undelivered);
  }
}
