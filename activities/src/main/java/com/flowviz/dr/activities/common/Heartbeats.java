package com.flowviz.dr.activities.common;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Heartbeating from code that also runs outside an activity (tests, the dev stack). The SDK
 * throttles what it sends to the server, so calling often is cheap.
 */
public final class Heartbeats {
  private Heartbeats() {}

  public static void beat(Object details) {
    context().ifPresent(c -> c.heartbeat(details));
  }

  /**
   * A heartbeat bound to the calling activity, for threads of its own (a download thread, the
   * decryptor's producer): the SDK finds the activity from the calling thread, which such threads
   * are not, so {@link #beat} from them would be silently lost.
   */
  public static Consumer<Object> ofThisActivity() {
    Optional<ActivityExecutionContext> context = context();
    return details -> context.ifPresent(c -> c.heartbeat(details));
  }

  /**
   * Runs a call that blocks without progress to report (counting a large table, pg_dump taking its
   * locks), heartbeating every ten seconds meanwhile so the server keeps knowing the worker is
   * alive. A dead worker still stops heartbeating, and is noticed.
   */
  public static <T> T keepAlive(String what, Callable<T> call) throws Exception {
    Optional<ActivityExecutionContext> context = context();
    if (context.isEmpty()) {
      return call.call();
    }
    ScheduledExecutorService timer = DaemonScheduler.named("heartbeat-" + what);
    timer.scheduleAtFixedRate(
        () -> {
          try {
            context.get().heartbeat(what);
          } catch (RuntimeException e) {
            // cancelled or timed out: the activity's own next heartbeat or its end will tell
          }
        },
        10,
        10,
        TimeUnit.SECONDS);
    try {
      return call.call();
    } finally {
      timer.shutdownNow();
    }
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
