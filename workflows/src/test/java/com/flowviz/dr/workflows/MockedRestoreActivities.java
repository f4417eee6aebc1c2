package com.flowviz.dr.workflows;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.app.ApplicationActivities;
import com.flowviz.dr.activities.app.ApplicationProfile;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.crypto.DecryptedBackup;
import com.flowviz.dr.activities.crypto.ManifestCheck;
import com.flowviz.dr.activities.crypto.TransferredBackup;
import com.flowviz.dr.activities.postgres.PgRestoreOutcome;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.DownloadedBackup;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.activities.workhost.WorkHostActivities;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The harness of the tests that run a 4.1 restore (the restore's own, the row-loss gate's, the
 * lease's): a test environment per test and the mocked activities the restore runs on, registered
 * on the shared and the host queue, with stubs for a restore that goes well, which a test then
 * overrides where its story differs.
 */
public abstract class MockedRestoreActivities extends EnvironmentPerTest {

  /** The daily backup every restore here resolves to. */
  public static final BackupObject BACKUP =
      new BackupObject(
          "flowviz-backups",
          "daily/flowviz_daily_20250119_020000.dump.gpg",
          Instant.parse("2025-01-19T02:00:00Z"),
          Instant.parse("2025-01-19T02:03:00Z"),
          1000,
          "STANDARD",
          "etag");

  protected final BackupStorageActivities storage = mockActivities(BackupStorageActivities.class);
  protected final WorkHostActivities workHost = mockActivities(WorkHostActivities.class);
  protected final BackupDecryptionActivities decryption =
      mockActivities(BackupDecryptionActivities.class);
  protected final PostgresActivities postgres = mockActivities(PostgresActivities.class);
  protected final VerificationActivities verification =
      mockActivities(VerificationActivities.class);
  protected final ApplicationActivities application = mockActivities(ApplicationActivities.class);
  protected final List<AuditEntry> audit = new CopyOnWriteArrayList<>();

  /**
   * A mock of an activity interface, made as the workflow tests make them: without its annotations.
   */
  public static <T> T mockActivities(Class<T> type) {
    return mock(type, withSettings().withoutAnnotations());
  }

  /** Every activity on the shared queue, the audit recorded into {@link #audit}, and leases. */
  protected void registerShared(Worker shared) {
    shared.registerActivitiesImplementations(
        storage,
        workHost,
        decryption,
        postgres,
        verification,
        application,
        new RecordingAudit(audit));
    TestLeases.register(shared, client);
  }

  /** The work host's activities on its own queue. */
  protected void registerHost(Worker host) {
    host.registerActivitiesImplementations(storage, workHost, decryption, postgres);
  }

  /**
   * A restore that finds {@link #BACKUP} unsigned (the signature checks have their own tests),
   * claims {@code hostQueue}, downloads, decrypts and restores it into staging.
   */
  protected void stubUpToStaging(String hostQueue) {
    when(storage.resolveBackup(any())).thenReturn(BACKUP);
    when(decryption.verifyManifestSignature(any()))
        .thenReturn(new ManifestCheck(false, "none", null, null));
    when(workHost.claimWorkHost()).thenReturn(hostQueue);
    when(decryption.downloadAndDecryptBackup(BACKUP))
        .thenReturn(
            new TransferredBackup(
                new DownloadedBackup(BACKUP.key(), "/work/x/backup.gpg", 1000, "abc", 0),
                new DecryptedBackup(
                    BACKUP.key(), "/work/x/backup.dump", 900, "1.14", "15.8", "ABCDEF", true)));
    when(postgres.restoreIntoStaging(anyString(), anyString(), any()))
        .thenReturn(new PgRestoreOutcome("s", 2, 1234, "15.8", 42));
  }

  /** An application with no restart command and no endpoints configured. */
  protected void stubAnUnconfiguredApplication() {
    when(application.restartApplication()).thenReturn(new RestartOutcome(false, "", 0, 0, ""));
    when(application.describeApplication())
        .thenReturn(new ApplicationProfile("flowviz", "", List.of()));
    when(verification.checkApplicationConnectivity())
        .thenReturn(new ConnectivityReport(false, true, List.of()));
  }
}
