package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.MockedRestoreActivities.mockActivities;
import static com.flowviz.dr.workflows.incident.HandleIncidentWorkflowTest.BACKUP;
import static com.flowviz.dr.workflows.incident.HandleIncidentWorkflowTest.PASSED;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.when;

import com.flowviz.dr.activities.app.ApplicationActivities;
import com.flowviz.dr.activities.app.ApplicationProfile;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.crypto.BackupValidity;
import com.flowviz.dr.activities.incident.CredentialCheck;
import com.flowviz.dr.activities.incident.IncidentActivities;
import com.flowviz.dr.activities.incident.IsolatedLocation;
import com.flowviz.dr.activities.incident.ReportLocation;
import com.flowviz.dr.activities.incident.RotationOutcome;
import com.flowviz.dr.activities.notify.NotificationReceipt;
import com.flowviz.dr.activities.notify.NotifyActivities;
import com.flowviz.dr.activities.postgres.DataGap;
import com.flowviz.dr.activities.postgres.LiveFingerprint;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.ServerInfo;
import com.flowviz.dr.activities.postgres.TableGap;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.BucketFreshness;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.TraceabilityCheck;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.workflows.EnvironmentPerTest;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.TestJudgements;
import com.flowviz.dr.workflows.TestLeases;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The incident workflow's tests' harness: a test environment per test, its mocked activities,
 * stubbed for an incident that goes well (a valid signed backup, good credentials, a healthy
 * application), and the worker that runs the incident with the stand-ins a test gives for the
 * procedures it starts.
 */
abstract class MockedIncidentActivities extends EnvironmentPerTest {

  final BackupStorageActivities storage = mockActivities(BackupStorageActivities.class);
  final BackupDecryptionActivities decryption = mockActivities(BackupDecryptionActivities.class);
  final PostgresActivities postgres = mockActivities(PostgresActivities.class);
  final VerificationActivities verification = mockActivities(VerificationActivities.class);
  final ApplicationActivities application = mockActivities(ApplicationActivities.class);
  final IncidentActivities incident = mockActivities(IncidentActivities.class);
  final NotifyActivities notify = mockActivities(NotifyActivities.class);
  final List<AuditEntry> audit = new CopyOnWriteArrayList<>();

  /** The incident, its follow-up and the procedures' stand-ins on the DR queue, with leases. */
  void register(Class<?>... procedureStandIns) {
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(
        HandleIncidentWorkflowImpl.class, IncidentFollowUpWorkflowImpl.class);
    worker.registerWorkflowImplementationTypes(procedureStandIns);
    worker.registerActivitiesImplementations(
        storage,
        decryption,
        postgres,
        verification,
        application,
        incident,
        notify,
        new RecordingAudit(audit));
    TestLeases.register(worker, client);
  }

  HandleIncidentWorkflow incidentStub(String id) {
    return client.newWorkflowStub(
        HandleIncidentWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
  }

  void stubAnIncidentThatGoesWell() {
    when(storage.resolveBackup(any())).thenReturn(BACKUP);
    when(decryption.checkBackupValidity(any(), any()))
        .thenReturn(BackupValidity.valid("read whole"));
    when(decryption.trustedSignersConfigured()).thenReturn(true);
    when(storage.newestBackup(anyString(), anyString(), anyString()))
        .thenReturn(
            new BucketFreshness("flowviz-backups-prod-us-west-2", "us-west-2", true, BACKUP, null));
    when(postgres.awaitServerReady(isNull(), any())).thenReturn(new ServerInfo("15.8", 15, 3));
    when(postgres.fingerprintLiveDatabase(anyString(), isNull()))
        .thenAnswer(i -> new LiveFingerprint(i.getArgument(0), 16384, 42));
    when(incident.checkCredentials())
        .thenReturn(new CredentialCheck(true, "Secrets Manager", List.of("ABCD"), true, List.of()));
    when(incident.isolatedBackupLocation())
        .thenReturn(new IsolatedLocation("flowviz-backups-isolated", "us-east-2", "daily/"));
    when(incident.rotateCredentials(any()))
        .thenReturn(new RotationOutcome(List.of("flowviz_app"), List.of("flowviz/app/database")));
    when(incident.writeIncidentReport(any()))
        .thenAnswer(
            i ->
                new ReportLocation(
                    "flowviz-compliance", "incidents/x/report.md", "incidents/x/report.json"));
    when(verification.checkApplicationConnectivity())
        .thenReturn(new ConnectivityReport(true, true, List.of()));
    when(verification.verifyRestoredDatabase(anyString(), any(), any())).thenReturn(PASSED);
    when(verification.judgeRestoredDatabase(any())).thenReturn(TestJudgements.NOTHING_LOST);
    when(application.restartApplication())
        .thenReturn(new RestartOutcome(true, "docker compose restart api", 0, 900, ""));
    when(notify.notify(any()))
        .thenAnswer(i -> new NotificationReceipt("e", List.of("webhook:generic")));
    when(notify.configuredChannels()).thenReturn(List.of("webhook:generic"));
    when(application.describeApplication())
        .thenReturn(new ApplicationProfile("flowviz", "docker compose restart api", List.of()));
    when(verification.checkLotTraceability(anyString(), any()))
        .thenAnswer(
            i ->
                new TraceabilityCheck(
                    i.getArgument(0), true, "flowviz_app", true, "LOT-1", 2, 20, null));
    when(postgres.compareDatabases(anyString(), anyString(), any()))
        .thenAnswer(
            i ->
                new DataGap(
                    i.getArgument(0),
                    i.getArgument(1),
                    List.of(
                        new TableGap("lots", List.of("id"), 100, 101, 0, 1, 0, List.of(), true))));
  }
}
