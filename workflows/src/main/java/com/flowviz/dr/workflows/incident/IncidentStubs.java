package com.flowviz.dr.workflows.incident;

import com.flowviz.dr.activities.app.ApplicationActivities;
import com.flowviz.dr.activities.audit.AuditActivities;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.incident.IncidentActivities;
import com.flowviz.dr.activities.notify.NotifyActivities;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import io.temporal.workflow.Workflow;

/** The activities an incident calls, each with the timeout its work needs. */
final class IncidentStubs {
  final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);
  final BackupDecryptionActivities decryption =
      Workflow.newActivityStub(BackupDecryptionActivities.class, ActivityTimeouts.QUICK);

  /** Reads a whole backup from the store: as long as a download, heartbeating. */
  final BackupDecryptionActivities wholeReads =
      Workflow.newActivityStub(BackupDecryptionActivities.class, ActivityTimeouts.VERIFY);

  final PostgresActivities postgres =
      Workflow.newActivityStub(PostgresActivities.class, ActivityTimeouts.DATABASE);
  final PostgresActivities comparison =
      Workflow.newActivityStub(PostgresActivities.class, ActivityTimeouts.VERIFY);
  final VerificationActivities verification =
      Workflow.newActivityStub(VerificationActivities.class, ActivityTimeouts.VERIFY);
  final VerificationActivities probes =
      Workflow.newActivityStub(VerificationActivities.class, ActivityTimeouts.APPLICATION);
  final ApplicationActivities application =
      Workflow.newActivityStub(ApplicationActivities.class, ActivityTimeouts.APPLICATION);
  final IncidentActivities incident =
      Workflow.newActivityStub(IncidentActivities.class, ActivityTimeouts.QUICK);
  final IncidentActivities rotation =
      Workflow.newActivityStub(IncidentActivities.class, ActivityTimeouts.DATABASE);
  final AuditActivities auditReader =
      Workflow.newActivityStub(AuditActivities.class, ActivityTimeouts.VERIFY);
  final NotifyActivities channels =
      Workflow.newActivityStub(NotifyActivities.class, ActivityTimeouts.QUICK);
}
