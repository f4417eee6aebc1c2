package com.flowviz.dr.activities.common;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A one-thread scheduler whose thread never keeps the JVM alive: heartbeats and metric polls run on
 * them, and a worker shutting down must not wait for their next tick.
 */
public final class DaemonScheduler {

  private DaemonScheduler() {}

  /** A scheduler on one daemon thread named {@code name} (it shows in thread dumps). */
  public static ScheduledExecutorService named(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
