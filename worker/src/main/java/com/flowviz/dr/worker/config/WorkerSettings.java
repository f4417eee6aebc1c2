package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * @param hostName names this host's task queue; set it to something stable where host names are
 *     not (a StatefulSet pod name), so a restarted worker finds its work files again
 * @param workDirectory private directory for download and decrypt work files
 * @param heartbeatInterval how often running activities report progress (and learn of cancellation)
 * @param stickyExecution keep workflows cached on this worker between tasks (Temporal's default).
 *     Turn it off against the embedded dev server: it never moves a workflow off the sticky queue
 *     of a worker that died, where a real Temporal server falls back after a few seconds.
 */
@ConfigurationProperties("flowviz.worker")
public record WorkerSettings(
    @Nullable String hostName,
    @Nullable String workDirectory,
    @Bindable(defaultValue = "8") int maxConcurrentActivities,
    @Bindable(defaultValue = "50") int maxConcurrentWorkflowTasks,
    @Bindable(defaultValue = "5s") Duration heartbeatInterval,
    @Bindable(defaultValue = "true") boolean stickyExecution) {}
