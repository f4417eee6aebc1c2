package com.flowviz.dr.workflows.common;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Timeouts and retries of our activities, by kind. Transient faults are retried with exponential
 * backoff until the schedule-to-close budget is spent; bad input is never retried because the
 * activities raise non-retryable failures for it.
 */
public final class ActivityTimeouts {

  private static final RetryOptions RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(1))
          .build();

  /** Lookups: list, head, read a manifest, claim a host. */
  public static final ActivityOptions QUICK =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setScheduleToCloseTimeout(Duration.ofMinutes(30))
          .setRetryOptions(RETRY)
          .build();

  /**
   * Short DDL on the database server: create, rename, drop. They do not heartbeat, so the
   * start-to-close timeout is how long a worker that died inside one goes unnoticed: seconds of
   * work get two minutes.
   */
  public static final ActivityOptions DATABASE =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setScheduleToCloseTimeout(Duration.ofHours(1))
          .setRetryOptions(RETRY)
          .build();

  /** Queries over a whole database; they heartbeat while they count. */
  public static final ActivityOptions VERIFY =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(1))
          .setScheduleToCloseTimeout(Duration.ofHours(3))
          .setHeartbeatTimeout(Duration.ofMinutes(1))
          .setRetryOptions(RETRY)
          .build();

  /**
   * Making or removing a database instance (4.3, drills): it may pull images or wait for a cloud,
   * and heartbeats meanwhile.
   */
  public static final ActivityOptions PROVISIONING =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(30))
          .setScheduleToCloseTimeout(Duration.ofHours(2))
          .setHeartbeatTimeout(Duration.ofSeconds(30))
          .setRetryOptions(QUICK.getRetryOptions())
          .build();

  /** The application: restart command and HTTP probes. */
  public static final ActivityOptions APPLICATION =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(15))
          .setScheduleToCloseTimeout(Duration.ofHours(1))
          .setHeartbeatTimeout(Duration.ofMinutes(1))
          .setRetryOptions(RETRY)
          .build();

  /**
   * Long work on a host's files: download, decrypt, pg_restore, dump-and-upload. They heartbeat
   * their progress, so a stalled transfer or a dead worker is noticed within half a minute and a
   * retry resumes. A host that does not pick its work up within the pickup timeout is taken as
   * lost. The whole budget is the pickup plus two full attempts: a fault that outlasts that (a host
   * whose disk keeps failing, a server that never comes back) is handed to the operator rather than
   * retried for days.
   */
  public static ActivityOptions hostWork(
      String taskQueue, Duration startToClose, Duration pickupTimeout, String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(startToClose)
        .setScheduleToStartTimeout(pickupTimeout)
        .setScheduleToCloseTimeout(hostWorkBudget(startToClose, pickupTimeout))
        .setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RETRY)
        // Cleanup after a cancellation must not race an activity still writing the same files.
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setSummary(summary)
        .build();
  }

  /** Schedule-to-close of host-pinned work: the pickup plus two full attempts. */
  public static Duration hostWorkBudget(Duration startToClose, Duration pickupTimeout) {
    return pickupTimeout.plus(startToClose.multipliedBy(2));
  }

  /** A quick activity pinned to one host (discarding its work files). */
  public static ActivityOptions hostQuick(String taskQueue, Duration pickupTimeout) {
    return QUICK.toBuilder()
        .setTaskQueue(taskQueue)
        .setScheduleToStartTimeout(pickupTimeout)
        .build();
  }

  /**
   * One long stream from a database server into the bucket that needs no host's files (a base
   * backup): any worker runs it. It heartbeats while it streams and while it waits, so a dead
   * worker is noticed within half a minute; a retry streams anew (the activity makes every attempt
   * a new object set). The budget is two full attempts, as for host work.
   */
  public static ActivityOptions streaming(Duration startToClose, String summary) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToClose)
        .setScheduleToCloseTimeout(startToClose.multipliedBy(2))
        .setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RETRY)
        // A cancelled backup stops its pg_basebackup before the workflow records the cancellation.
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setSummary(summary)
        .build();
  }

  /**
   * Listing and deleting what a retention no longer keeps: thousands of objects, minutes at most;
   * safe to run again, so a worker that died inside it is retried after the start-to-close.
   */
  public static final ActivityOptions CLEANUP =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(15))
          .setScheduleToCloseTimeout(Duration.ofHours(1))
          .setRetryOptions(RETRY)
          .build();

  private ActivityTimeouts() {}
}
