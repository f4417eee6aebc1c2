package com.flowviz.dr.activities.common;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.util.Optional;

/**
 * Heartbeating from code that also runs outside an activity (tests, the dev stack). The SDK
 * throttles what it sends to the server, so calling often is cheap.
 */
public final class Heartbeats {
  private Heartbeats() {}

  public static void beat(Object details) {
    context().ifPresent(c -> c.heartbeat(details));
  }

  public static <T> Optional<T> lastDetails(Class<T> type) {
    return context().flatMap(c -> c.getHeartbeatDetails(type));
  }

  public static Optional<String> workflowId() {
    return context().map(c -> c.getInfo().getWorkflowId());
  }

  public static int attempt() {
    return context().map(c -> c.getInfo().getAttempt()).orElse(1);
  }

  private static Optional<ActivityExecutionContext> context() {
    try {
      return Optional.of(Activity.getExecutionContext());
    } catch (IllegalStateException | NullPointerException e) {
      return Optional.empty();
    }
  }
}
