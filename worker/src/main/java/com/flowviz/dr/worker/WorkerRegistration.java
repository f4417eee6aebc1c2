package com.flowviz.dr.worker;

import com.flowviz.dr.worker.ActivitiesFactory.WorkHostName;
import com.flowviz.dr.worker.config.WorkerSettings;
import com.flowviz.dr.workflows.InputJsonConverter;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.procedures.Procedures;
import io.micronaut.context.BeanRegistration;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the workflows and activities and starts polling: the shared queue for everything, and
 * this host's queue for the activities that work on local files. The workflows are the procedures
 * of {@link Procedures}; the activities are the beans marked {@link RegisteredActivities}.
 */
@Singleton
public class WorkerRegistration {

  private static final Logger log = LoggerFactory.getLogger(WorkerRegistration.class);

  /** How long interrupted activities get to kill their child processes and return. */
  private static final Duration INTERRUPTED_ACTIVITIES_EXIT = Duration.ofSeconds(5);

  private final WorkerFactory factory;
  private final WorkerSettings settings;
  private final WorkHostName host;
  private final Collection<BeanRegistration<Object>> activities;
  private final SearchAttributesOnNamespace searchAttributes;
  private volatile boolean started;

  public WorkerRegistration(
      WorkerFactory factory,
      WorkerSettings settings,
      WorkHostName host,
      @RegisteredActivities Collection<BeanRegistration<Object>> activities,
      SearchAttributesOnNamespace searchAttributes) {
    this.factory = factory;
    this.settings = settings;
    this.host = host;
    this.activities = activities;
    this.searchAttributes = searchAttributes;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    start();
  }

  public synchronized void start() {
    if (started) {
      return;
    }
    WorkerOptions.Builder builder =
        WorkerOptions.newBuilder()
            .setMaxConcurrentActivityExecutionSize(settings.maxConcurrentActivities())
            .setMaxConcurrentWorkflowTaskExecutionSize(settings.maxConcurrentWorkflowTasks())
            // The SDK sends heartbeats at most this often; a cancellation reaches a running
            // download or pg_restore with the next one, so keep it short.
            .setMaxHeartbeatThrottleInterval(settings.heartbeatInterval())
            .setDefaultHeartbeatThrottleInterval(settings.heartbeatInterval());
    if (!settings.stickyExecution()) {
      // A zero timeout makes the SDK ask for no sticky queue at all.
      builder.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    WorkerOptions options = builder.build();
    Worker shared = factory.newWorker(TaskQueues.DR, options);
    shared.registerWorkflowImplementationTypes(
        InputJsonConverter.FAIL_WORKFLOW_ON_INVALID_INPUT, Procedures.implementations());
    shared.registerActivitiesImplementations(
        activities.stream().map(BeanRegistration::getBean).toArray());

    String hostQueue = TaskQueues.forHost(host.value());
    Worker local = factory.newWorker(hostQueue, options);
    local.registerActivitiesImplementations(
        activities.stream()
            .filter(WorkerRegistration::alsoOnHostQueue)
            .map(BeanRegistration::getBean)
            .toArray());

    searchAttributes.ensureRegistered();
    factory.start();
    started = true;
    log.info("Worker polling {} and {}", TaskQueues.DR, hostQueue);
  }

  private static boolean alsoOnHostQueue(BeanRegistration<Object> activities) {
    return activities
        .getBeanDefinition()
        .booleanValue(RegisteredActivities.class, "alsoOnHostQueue")
        .orElse(false);
  }

  /**
   * The one place the Temporal worker stops, when the context closes: polling stops at once;
   * running activities get the shutdown grace to finish and report; what still runs then is
   * interrupted (child processes such as pg_restore are killed with it) and its heartbeats stop, so
   * Temporal retries it on another worker, host work on this host's queue, once its heartbeat
   * timeout passes.
   */
  @EventListener
  void onShutdown(ShutdownEvent event) {
    if (!started) {
      return;
    }
    Duration grace = settings.shutdownGrace();
    log.info("Worker stopping: polling stopped, running activities have {} to finish", grace);
    factory.shutdown();
    factory.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    if (factory.isTerminated()) {
      log.info("Worker stopped: every running activity finished");
      return;
    }
    factory.shutdownNow();
    factory.awaitTermination(INTERRUPTED_ACTIVITIES_EXIT.toMillis(), TimeUnit.MILLISECONDS);
    log.warn(
        "Worker stopped after its {} grace: activities still running were interrupted; Temporal"
            + " retries them after their heartbeat timeout{}",
        grace,
        factory.isTerminated() ? "" : " (some had not returned yet)");
  }
}
