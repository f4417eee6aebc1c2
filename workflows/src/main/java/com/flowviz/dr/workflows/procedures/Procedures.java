package com.flowviz.dr.workflows.procedures;

import static com.flowviz.dr.workflows.procedures.Procedure.Kind.INTERNAL;
import static com.flowviz.dr.workflows.procedures.Procedure.Kind.RECOVERY;
import static com.flowviz.dr.workflows.procedures.Procedure.Kind.ROUTINE;

import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflow;
import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflowImpl;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.backup.BackupWorkflowImpl;
import com.flowviz.dr.workflows.basebackup.TakeBaseBackupWorkflow;
import com.flowviz.dr.workflows.basebackup.TakeBaseBackupWorkflowImpl;
import com.flowviz.dr.workflows.catalog.CheckBackupRetentionWorkflow;
import com.flowviz.dr.workflows.catalog.CheckBackupRetentionWorkflowImpl;
import com.flowviz.dr.workflows.catalog.ListBackupsWorkflow;
import com.flowviz.dr.workflows.catalog.ListBackupsWorkflowImpl;
import com.flowviz.dr.workflows.common.ForwardAuditEntriesWorkflow;
import com.flowviz.dr.workflows.compliance.FetchIncidentReportWorkflow;
import com.flowviz.dr.workflows.compliance.FetchIncidentReportWorkflowImpl;
import com.flowviz.dr.workflows.compliance.ForwardAuditEntriesWorkflowImpl;
import com.flowviz.dr.workflows.compliance.VerifyAuditTrailWorkflow;
import com.flowviz.dr.workflows.compliance.VerifyAuditTrailWorkflowImpl;
import com.flowviz.dr.workflows.drill.ListDrillsWorkflow;
import com.flowviz.dr.workflows.drill.ListDrillsWorkflowImpl;
import com.flowviz.dr.workflows.drill.RecoveryDrillWorkflow;
import com.flowviz.dr.workflows.drill.RecoveryDrillWorkflowImpl;
import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflow;
import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflowImpl;
import com.flowviz.dr.workflows.freshness.MonitorBackupFreshnessWorkflow;
import com.flowviz.dr.workflows.freshness.MonitorBackupFreshnessWorkflowImpl;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflow;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflowImpl;
import com.flowviz.dr.workflows.incident.IncidentFollowUpWorkflow;
import com.flowviz.dr.workflows.incident.IncidentFollowUpWorkflowImpl;
import com.flowviz.dr.workflows.lease.DatabaseLeaseWorkflow;
import com.flowviz.dr.workflows.lease.DatabaseLeaseWorkflowImpl;
import com.flowviz.dr.workflows.newinstance.RestoreToNewInstanceWorkflow;
import com.flowviz.dr.workflows.newinstance.RestoreToNewInstanceWorkflowImpl;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceWorkflow;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceWorkflowImpl;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeWorkflow;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeWorkflowImpl;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflowImpl;
import java.util.List;

/**
 * Every procedure the worker hosts, in the order of the runbook: the one list the worker registers
 * from, the replay test replays against, and the starter and the tests read type names from. A new
 * procedure is one constant here, added to {@link #ALL}.
 *
 * <p>A package of its own: the procedures' packages use {@code com.flowviz.dr.workflows} (task
 * queues, input validation), so the list that names them all cannot live there without a cycle.
 */
public final class Procedures {

  // Section 4: restores, backups, the catalog.
  public static final Procedure RESTORE_FROM_BACKUP =
      Procedure.of(RestoreFromBackupWorkflow.class, RestoreFromBackupWorkflowImpl.class, RECOVERY);
  public static final Procedure RESTORE_FROM_WEEKLY_BACKUP =
      Procedure.of(
          RestoreFromWeeklyBackupWorkflow.class,
          RestoreFromWeeklyBackupWorkflowImpl.class,
          RECOVERY);
  public static final Procedure RESTORE_TO_NEW_INSTANCE =
      Procedure.of(
          RestoreToNewInstanceWorkflow.class, RestoreToNewInstanceWorkflowImpl.class, RECOVERY);
  public static final Procedure TEARDOWN_INSTANCE =
      Procedure.of(TeardownInstanceWorkflow.class, TeardownInstanceWorkflowImpl.class, ROUTINE);
  public static final Procedure CROSS_REGION_FAILOVER =
      Procedure.of(
          CrossRegionFailoverWorkflow.class, CrossRegionFailoverWorkflowImpl.class, RECOVERY);
  public static final Procedure TAKE_BACKUP =
      Procedure.of(BackupWorkflow.class, BackupWorkflowImpl.class, ROUTINE);

  /** Issue 17: base backups of a self-managed server whose WAL is archived continuously. */
  public static final Procedure TAKE_BASE_BACKUP =
      Procedure.of(TakeBaseBackupWorkflow.class, TakeBaseBackupWorkflowImpl.class, ROUTINE);

  /** Issue 18: point-in-time recovery from the physical archive onto a new local instance. */
  public static final Procedure RESTORE_TO_POINT_IN_TIME =
      Procedure.of(
          RestoreToPointInTimeWorkflow.class, RestoreToPointInTimeWorkflowImpl.class, RECOVERY);

  public static final Procedure LIST_BACKUPS =
      Procedure.of(ListBackupsWorkflow.class, ListBackupsWorkflowImpl.class, ROUTINE);
  public static final Procedure CHECK_BACKUP_RETENTION =
      Procedure.of(
          CheckBackupRetentionWorkflow.class, CheckBackupRetentionWorkflowImpl.class, ROUTINE);

  // Section 2: incidents, and what outlives them.
  public static final Procedure HANDLE_INCIDENT =
      Procedure.of(HandleIncidentWorkflow.class, HandleIncidentWorkflowImpl.class, RECOVERY);
  public static final Procedure INCIDENT_FOLLOW_UP =
      Procedure.of(IncidentFollowUpWorkflow.class, IncidentFollowUpWorkflowImpl.class, INTERNAL);
  public static final Procedure FETCH_INCIDENT_REPORT =
      Procedure.of(
          FetchIncidentReportWorkflow.class, FetchIncidentReportWorkflowImpl.class, ROUTINE);

  // The audit trail.
  public static final Procedure VERIFY_AUDIT_TRAIL =
      Procedure.of(VerifyAuditTrailWorkflow.class, VerifyAuditTrailWorkflowImpl.class, ROUTINE);
  public static final Procedure FORWARD_AUDIT_ENTRIES =
      Procedure.of(
          ForwardAuditEntriesWorkflow.class, ForwardAuditEntriesWorkflowImpl.class, INTERNAL);

  // Section 5: drills and backup freshness.
  public static final Procedure RECOVERY_DRILL =
      Procedure.of(RecoveryDrillWorkflow.class, RecoveryDrillWorkflowImpl.class, ROUTINE);
  public static final Procedure LIST_DRILLS =
      Procedure.of(ListDrillsWorkflow.class, ListDrillsWorkflowImpl.class, ROUTINE);
  public static final Procedure MONITOR_BACKUP_FRESHNESS =
      Procedure.of(
          MonitorBackupFreshnessWorkflow.class, MonitorBackupFreshnessWorkflowImpl.class, ROUTINE);

  /** One recovery per database: the lease every recovery holds while it works on one. */
  public static final Procedure DATABASE_LEASE =
      Procedure.of(DatabaseLeaseWorkflow.class, DatabaseLeaseWorkflowImpl.class, INTERNAL);

  public static final List<Procedure> ALL =
      List.of(
          RESTORE_FROM_BACKUP,
          RESTORE_FROM_WEEKLY_BACKUP,
          RESTORE_TO_NEW_INSTANCE,
          TEARDOWN_INSTANCE,
          CROSS_REGION_FAILOVER,
          TAKE_BACKUP,
          TAKE_BASE_BACKUP,
          RESTORE_TO_POINT_IN_TIME,
          LIST_BACKUPS,
          CHECK_BACKUP_RETENTION,
          HANDLE_INCIDENT,
          INCIDENT_FOLLOW_UP,
          FETCH_INCIDENT_REPORT,
          VERIFY_AUDIT_TRAIL,
          FORWARD_AUDIT_ENTRIES,
          RECOVERY_DRILL,
          LIST_DRILLS,
          MONITOR_BACKUP_FRESHNESS,
          DATABASE_LEASE);

  private Procedures() {}

  /** The workflow implementation classes, for a worker or a replayer to register. */
  public static Class<?>[] implementations() {
    return ALL.stream().map(Procedure::implementation).toArray(Class<?>[]::new);
  }

  /** The type names of the procedures whose runs the starter's {@code recoveries} lists. */
  public static List<String> recoveryTypeNames() {
    return ALL.stream().filter(Procedure::isRecovery).map(Procedure::typeName).toList();
  }
}
