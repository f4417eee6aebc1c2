package com.flowviz.dr.workflows.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.physical.ArchiveExpiry;
import com.flowviz.dr.activities.physical.ArchiveExpirySpec;
import com.flowviz.dr.activities.physical.ArchivingCheck;
import com.flowviz.dr.activities.physical.ArchivingCluster;
import com.flowviz.dr.activities.physical.BaseBackupActivities;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.BaseBackupSpec;
import com.flowviz.dr.activities.physical.BaseBackupTaken;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.TestEnvironments;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class TakeBaseBackupWorkflowTest {

  private static final String SYSTEM_ID = "7441208855555555555";

  private final BaseBackupActivities physical =
      mock(BaseBackupActivities.class, withSettings().withoutAnnotations());
  private final List<AuditEntry> audit = new CopyOnWriteArrayList<>();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    env =
        TestEnvironments.startedOnTheDrQueue(
            List.of(TakeBaseBackupWorkflowImpl.class), physical, new RecordingAudit(audit));
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void pathTakenChecksArchivingThenBacksUpThenExpiresTheArchive() {
    archivingIsOn();
    backupsAreTakenAsSpecified();
    when(physical.expireArchive(any()))
        .thenReturn(
            ArchiveExpiry.builder()
                .keptBackups(List.of("20261202T010000Z", "20261201T010000Z"))
                .deletedBackups(List.of("20261120T010000Z"))
                .deletedIncomplete(List.of())
                .deletedWalFiles(64)
                .oldestKeptWalFile("000000010000000000000042")
                .build());

    TakeBaseBackupResult result =
        stub("base-backup-taken")
            .takeBaseBackup(
                TakeBaseBackupRequest.builder().operator("base-backup-schedule").build());

    ArgumentCaptor<ArchivingCheck> check = ArgumentCaptor.forClass(ArchivingCheck.class);
    verify(physical).checkArchiving(check.capture());
    assertEquals("production", check.getValue().server(), "the default server");
    ArgumentCaptor<BaseBackupSpec> spec = ArgumentCaptor.forClass(BaseBackupSpec.class);
    verify(physical).takeBaseBackup(spec.capture());
    assertEquals(
        BaseBackupSpec.builder()
            .server("production")
            .bucket("flowviz-backups")
            .systemIdentifier(SYSTEM_ID)
            .storageClass("STANDARD")
            .build(),
        spec.getValue(),
        "the backup goes under the system identifier the check read");
    ArgumentCaptor<ArchiveExpirySpec> expiry = ArgumentCaptor.forClass(ArchiveExpirySpec.class);
    verify(physical).expireArchive(expiry.capture());
    assertEquals(
        ArchiveExpirySpec.builder()
            .bucket("flowviz-backups")
            .systemIdentifier(SYSTEM_ID)
            .keepBaseBackups(7)
            .keepFor(Duration.ofDays(8))
            .incompleteAfter(Duration.ofDays(1))
            .build(),
        expiry.getValue());

    assertEquals(TakeBaseBackupResult.TAKEN, result.outcome());
    assertTrue(
        result.prefix().startsWith(PhysicalArchiveLayout.basePrefix(SYSTEM_ID)), result.prefix());
    assertEquals(result.prefix() + "flowviz-manifest.json", result.manifestKey());
    assertEquals(64, result.expiry().deletedWalFiles());
    assertNull(result.expiryFailure());
    assertEquals(
        List.of(
            "check-archiving SUCCEEDED",
            "basebackup-encrypt-upload SUCCEEDED",
            "expire-archive SUCCEEDED"),
        audit.stream().map(a -> a.step() + " " + a.outcome()).toList());
    assertEquals("base-backup-schedule", audit.get(0).operator());
    assertEquals(result.prefix(), audit.get(2).backupKey(), "entries after it name the backup");
    HistoryRecorder.recordIfAsked(client, "base-backup-taken", "take-base-backup-v1-taken");
  }

  @Test
  void pathArchivingOffFailsAtOnceAndTakesNothing() {
    when(physical.checkArchiving(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "archive_mode is off on production: a base backup without archived WAL cannot be"
                    + " restored. Set archive_mode = on and archive_command, restart the server.",
                FailureTypes.ARCHIVING_NOT_CONFIGURED));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("base-backup-archiving-off")
                    .takeBaseBackup(TakeBaseBackupRequest.builder().operator("alice").build()));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.ARCHIVING_NOT_CONFIGURED, cause.getType());
    assertTrue(cause.getOriginalMessage().contains("archive_mode"), cause.getOriginalMessage());
    verify(physical, times(1)).checkArchiving(any());
    verify(physical, never()).takeBaseBackup(any());
    verify(physical, never()).expireArchive(any());
    assertEquals(
        List.of("check-archiving FAILED", "take-base-backup FAILED"),
        audit.stream().map(a -> a.step() + " " + a.outcome()).toList());
    assertTrue(audit.get(1).details().contains("archive_mode"), audit.get(1).details());
    HistoryRecorder.recordIfAsked(
        client, "base-backup-archiving-off", "take-base-backup-v1-archiving-off");
  }

  @Test
  void pathBackupFailingEveryAttemptFailsOnceItsBudgetIsSpent() {
    archivingIsOn();
    AtomicInteger attempts = new AtomicInteger();
    when(physical.takeBaseBackup(any()))
        .thenAnswer(
            call -> {
              attempts.incrementAndGet();
              throw ApplicationFailure.newFailure(
                  "pg_basebackup exited 1: could not receive data from WAL stream: server closed"
                      + " the connection unexpectedly",
                  "PgBasebackupFailed");
            });

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("base-backup-failed")
                    .takeBaseBackup(TakeBaseBackupRequest.builder().operator("alice").build()));

    assertTrue(attempts.get() > 1, "retried: " + attempts.get() + " attempts");
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals("PgBasebackupFailed", cause.getType());
    assertTrue(cause.isNonRetryable(), "the procedure as a whole is never retried");
    verify(physical, atLeast(2)).takeBaseBackup(any());
    verify(physical, never()).expireArchive(any());
    assertEquals(
        List.of(
            "check-archiving SUCCEEDED",
            "basebackup-encrypt-upload FAILED",
            "take-base-backup FAILED"),
        audit.stream().map(a -> a.step() + " " + a.outcome()).toList());
    assertTrue(
        audit.get(2).details().contains("server closed the connection"), audit.get(2).details());
    HistoryRecorder.recordIfAsked(
        client, "base-backup-failed", "take-base-backup-v1-backup-failed");
  }

  @Test
  void pathExpiryFailingLeavesTheBackupReportedTakenAndSaysWhy() {
    archivingIsOn();
    backupsAreTakenAsSpecified();
    when(physical.expireArchive(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "DeleteObjects on flowviz-backups was refused: AccessDenied",
                FailureTypes.BACKUP_ACCESS_DENIED));

    TakeBaseBackupResult result =
        stub("base-backup-not-expired")
            .takeBaseBackup(
                TakeBaseBackupRequest.builder()
                    .server("instance:flowviz-db-3fa9c2d1")
                    .bucket("flowviz-backups-test")
                    .operator("alice")
                    .keepBaseBackups(3)
                    .keepFor("P2D")
                    .build());

    assertEquals(TakeBaseBackupResult.TAKEN_NOT_EXPIRED, result.outcome());
    assertEquals("instance:flowviz-db-3fa9c2d1", result.server());
    assertEquals("flowviz-backups-test", result.bucket());
    assertTrue(result.manifestKey().endsWith("/flowviz-manifest.json"), result.manifestKey());
    assertNull(result.expiry());
    assertTrue(result.expiryFailure().contains("AccessDenied"), result.expiryFailure());
    ArgumentCaptor<ArchiveExpirySpec> expiry = ArgumentCaptor.forClass(ArchiveExpirySpec.class);
    verify(physical).expireArchive(expiry.capture());
    assertEquals(3, expiry.getValue().keepBaseBackups());
    assertEquals(Duration.ofDays(2), expiry.getValue().keepFor());
    assertEquals(
        List.of(
            "check-archiving SUCCEEDED",
            "basebackup-encrypt-upload SUCCEEDED",
            "expire-archive FAILED"),
        audit.stream().map(a -> a.step() + " " + a.outcome()).toList());
    assertTrue(audit.get(2).details().contains("AccessDenied"), audit.get(2).details());
    HistoryRecorder.recordIfAsked(
        client, "base-backup-not-expired", "take-base-backup-v1-expiry-failed");
  }

  @Test
  void pathInputRefusedNamesTheFieldBeforeAnyActivity() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("base-backup-input-refused")
                    .takeBaseBackup(
                        TakeBaseBackupRequest.builder()
                            .operator("alice")
                            .keepBaseBackups(0)
                            .build()));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_INPUT, cause.getType());
    assertTrue(cause.getOriginalMessage().contains("keepBaseBackups"), cause.getOriginalMessage());
    verify(physical, never()).checkArchiving(any());
    HistoryRecorder.recordIfAsked(
        client, "base-backup-input-refused", "take-base-backup-v1-input-refused");
  }

  @Test
  void refusesAHostWhereAServerNameBelongs() {
    assertRefused(TakeBaseBackupRequest.builder().server("db.example.com:5432").build(), "server");
    assertRefused(TakeBaseBackupRequest.builder().keepFor("a week").build(), "keepFor");
    assertRefused(TakeBaseBackupRequest.builder().keepFor("P20000D").build(), "keepFor");
    assertRefused(TakeBaseBackupRequest.builder().bucket("Not_A_Bucket").build(), "bucket");
    assertRefused(TakeBaseBackupRequest.builder().keepBaseBackups(401).build(), "keepBaseBackups");
    verify(physical, never()).checkArchiving(any());
  }

  private void assertRefused(TakeBaseBackupRequest request, String field) {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> stub("base-backup-refused-" + System.nanoTime()).takeBaseBackup(request));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_INPUT, cause.getType());
    assertTrue(cause.getOriginalMessage().contains(field), cause.getOriginalMessage());
  }

  private void archivingIsOn() {
    when(physical.checkArchiving(any()))
        .thenAnswer(
            call ->
                ArchivingCluster.builder()
                    .server(((ArchivingCheck) call.getArgument(0)).server())
                    .systemIdentifier(SYSTEM_ID)
                    .timeline(1)
                    .serverVersion("15.8")
                    .walLevel("replica")
                    .archiveMode("on")
                    .archiveCommand("flowviz-dr-archive-wal %p %f")
                    .lastArchivedWal("000000010000000000000050")
                    .lastArchivedAt(Instant.parse("2026-12-02T00:59:30Z"))
                    .failedCount(0)
                    .build());
  }

  /** The backup activity writes under the identifier and into the bucket it is given. */
  private void backupsAreTakenAsSpecified() {
    when(physical.takeBaseBackup(any()))
        .thenAnswer(
            call -> {
              BaseBackupSpec spec = call.getArgument(0);
              String backupId = "20261202T010000Z";
              String prefix = PhysicalArchiveLayout.backupPrefix(spec.systemIdentifier(), backupId);
              return BaseBackupTaken.builder()
                  .bucket(spec.bucket())
                  .prefix(prefix)
                  .dataKey(prefix + PhysicalArchiveLayout.DATA_FILE)
                  .pgManifestKey(prefix + PhysicalArchiveLayout.PG_MANIFEST_FILE)
                  .manifestKey(prefix + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE)
                  .manifest(
                      BaseBackupManifest.builder()
                          .formatVersion(1)
                          .backupId(backupId)
                          .systemIdentifier(spec.systemIdentifier())
                          .timeline(1)
                          .serverVersion("15.8")
                          .startLsn("0/52000028")
                          .stopLsn("0/52000100")
                          .startWalFile("000000010000000000000052")
                          .stopWalFile("000000010000000000000052")
                          .tarBytes(30_000_000)
                          .encryptedBytes(30_001_000)
                          .sha256("ab".repeat(32))
                          .build())
                  .millis(4000)
                  .build();
            });
  }

  private TakeBaseBackupWorkflow stub(String id) {
    return TestEnvironments.onTheDrQueue(client, TakeBaseBackupWorkflow.class, id);
  }
}
