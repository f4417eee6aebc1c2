package com.flowviz.dr.worker;

import com.flowviz.dr.activities.app.ApplicationActivitiesImpl;
import com.flowviz.dr.activities.audit.AuditActivitiesImpl;
import com.flowviz.dr.activities.backup.BackupActivitiesImpl;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivitiesImpl;
import com.flowviz.dr.activities.dns.DnsActivitiesImpl;
import com.flowviz.dr.activities.infra.InfrastructureActivitiesImpl;
import com.flowviz.dr.activities.postgres.PostgresActivitiesImpl;
import com.flowviz.dr.activities.provision.ProvisionActivitiesImpl;
import com.flowviz.dr.activities.storage.ArchiveActivitiesImpl;
import com.flowviz.dr.activities.storage.BackupStorageActivitiesImpl;
import com.flowviz.dr.activities.verify.VerificationActivitiesImpl;
import com.flowviz.dr.activities.workhost.WorkHostActivitiesImpl;
import com.flowviz.dr.worker.config.WorkerSettings;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflowImpl;
import com.flowviz.dr.workflows.backup.BackupWorkflowImpl;
import com.flowviz.dr.workflows.catalog.CheckBackupRetentionWorkflowImpl;
import com.flowviz.dr.workflows.catalog.ListBackupsWorkflowImpl;
import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflowImpl;
import com.flowviz.dr.workflows.newinstance.RestoreToNewInstanceWorkflowImpl;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceWorkflowImpl;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflowImpl;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the workflows and activities and starts polling: the shared queue for everything, and
 * this host's queue for the activities that work on local files.
 */
@Singleton
public class WorkerRegistration {

  private static final Logger log = LoggerFactory.getLogger(WorkerRegistration.class);

  private final WorkerFactory factory;
  private final WorkerSettings settings;
  private final ActivitiesFactory.WorkHostName host;
  private final BackupStorageActivitiesImpl storage;
  private final ArchiveActivitiesImpl archive;
  private final BackupDecryptionActivitiesImpl decryption;
  private final PostgresActivitiesImpl postgres;
  private final VerificationActivitiesImpl verification;
  private final ApplicationActivitiesImpl application;
  private final AuditActivitiesImpl audit;
  private final WorkHostActivitiesImpl workHost;
  private final BackupActivitiesImpl backup;
  private final ProvisionActivitiesImpl provisioning;
  private final DnsActivitiesImpl dns;
  private final InfrastructureActivitiesImpl infrastructure;
  private final com.flowviz.dr.activities.notify.NotifyActivitiesImpl notify;
  private final com.flowviz.dr.activities.incident.IncidentActivitiesImpl incident;
  private final SearchAttributesOnNamespace searchAttributes;
  private final com.flowviz.dr.activities.drill.DrillActivitiesImpl drills;
  private final com.flowviz.dr.activities.lease.LeaseActivitiesImpl leases;
  private volatile boolean started;

  public WorkerRegistration(
      WorkerFactory factory,
      WorkerSettings settings,
      ActivitiesFactory.WorkHostName host,
      BackupStorageActivitiesImpl storage,
      ArchiveActivitiesImpl archive,
      BackupDecryptionActivitiesImpl decryption,
      PostgresActivitiesImpl postgres,
      VerificationActivitiesImpl verification,
      ApplicationActivitiesImpl application,
      AuditActivitiesImpl audit,
      WorkHostActivitiesImpl workHost,
      BackupActivitiesImpl backup,
      ProvisionActivitiesImpl provisioning,
      DnsActivitiesImpl dns,
      InfrastructureActivitiesImpl infrastructure,
      com.flowviz.dr.activities.notify.NotifyActivitiesImpl notify,
      com.flowviz.dr.activities.incident.IncidentActivitiesImpl incident,
      SearchAttributesOnNamespace searchAttributes,
      com.flowviz.dr.activities.drill.DrillActivitiesImpl drills,
      com.flowviz.dr.activities.lease.LeaseActivitiesImpl leases) {
    this.leases = leases;
    this.searchAttributes = searchAttributes;
    this.drills = drills;
    this.notify = notify;
    this.incident = incident;
    this.factory = factory;
    this.settings = settings;
    this.host = host;
    this.storage = storage;
    this.archive = archive;
    this.decryption = decryption;
    this.postgres = postgres;
    this.verification = verification;
    this.application = application;
    this.audit = audit;
    this.workHost = workHost;
    this.backup = backup;
    this.provisioning = provisioning;
    this.dns = dns;
    this.infrastructure = infrastructure;
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
      builder.setStickyQueueScheduleToStartTimeout(java.time.Duration.ZERO);
    }
    WorkerOptions options = builder.build();
    Worker shared = factory.newWorker(TaskQueues.DR, options);
    shared.registerWorkflowImplementationTypes(
        com.flowviz.dr.workflows.InputJsonConverter.FAIL_WORKFLOW_ON_INVALID_INPUT,
        RestoreFromBackupWorkflowImpl.class,
        RestoreFromWeeklyBackupWorkflowImpl.class,
        BackupWorkflowImpl.class,
        ListBackupsWorkflowImpl.class,
        CheckBackupRetentionWorkflowImpl.class,
        RestoreToNewInstanceWorkflowImpl.class,
        TeardownInstanceWorkflowImpl.class,
        CrossRegionFailoverWorkflowImpl.class,
        com.flowviz.dr.workflows.incident.HandleIncidentWorkflowImpl.class,
        com.flowviz.dr.workflows.incident.IncidentFollowUpWorkflowImpl.class,
        com.flowviz.dr.workflows.compliance.VerifyAuditTrailWorkflowImpl.class,
        com.flowviz.dr.workflows.compliance.ForwardAuditEntriesWorkflowImpl.class,
        com.flowviz.dr.workflows.compliance.FetchIncidentReportWorkflowImpl.class,
        com.flowviz.dr.workflows.drill.RecoveryDrillWorkflowImpl.class,
        com.flowviz.dr.workflows.drill.ListDrillsWorkflowImpl.class,
        com.flowviz.dr.workflows.freshness.MonitorBackupFreshnessWorkflowImpl.class,
        com.flowviz.dr.workflows.lease.DatabaseLeaseWorkflowImpl.class);
    shared.registerActivitiesImplementations(
        storage,
        archive,
        decryption,
        postgres,
        verification,
        application,
        audit,
        workHost,
        backup,
        provisioning,
        dns,
        infrastructure,
        notify,
        incident,
        drills,
        leases);

    String hostQueue = TaskQueues.forHost(host.value());
    Worker local = factory.newWorker(hostQueue, options);
    local.registerActivitiesImplementations(storage, decryption, postgres, workHost);

    searchAttributes.ensureRegistered();
    factory.start();
    started = true;
    log.info("Worker polling {} and {}", TaskQueues.DR, hostQueue);
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
    java.time.Duration grace = settings.shutdownGrace();
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

  /** How long interrupted activities get to kill their child processes and return. */
  private static final java.time.Duration INTERRUPTED_ACTIVITIES_EXIT =
      java.time.Duration.ofSeconds(5);
}
