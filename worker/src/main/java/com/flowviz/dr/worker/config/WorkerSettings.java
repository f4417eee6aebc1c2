package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * @param hostName names this host's task queue; set it to something stable where host names are not
 *     (a StatefulSet pod name), so a restarted worker finds its work files again
 * @param workDirectory private directory for download and decrypt work files
 * @param heartbeatInterval how often running activities report progress (and learn of cancellation)
 * @param stickyExecution keep workflows cached on this worker between tasks (Temporal's default).
 *     Turn it off against the embedded dev server: it never moves a workflow off the sticky queue
 *     of a worker that died, where a real Temporal server falls back after a few seconds.
 * @param shutdownGrace how long a stopping worker lets its running activities finish after it stops
 *     polling; what is still running then is interrupted and retried by another worker (host work:
 *     on this host's queue, after its heartbeat timeout). Keep it under the deploy files' stop
 *     grace (120 s: terminationGracePeriodSeconds, stop_grace_period, TimeoutStopSec) by {@link
 *     #SHUTDOWN_MARGIN}, the time the rest of the shutdown needs.
 */
@ConfigurationProperties("flowviz.worker")
public record WorkerSettings(
    @Nullable String hostName,
    @Nullable String workDirectory,
    @Bindable(defaultValue = "8") int maxConcurrentActivities,
    @Bindable(defaultValue = "50") int maxConcurrentWorkflowTasks,
    @Bindable(defaultValue = "5s") Duration heartbeatInterval,
    @Bindable(defaultValue = "true") boolean stickyExecution,
    @Bindable(defaultValue = "90s") Duration shutdownGrace) {

  /**
   * Closing the HTTP server, the Temporal connection and the rest of the context after the grace.
   */
  public static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(20);
}
