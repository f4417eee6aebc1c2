package com.flowviz.dr.workflows.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.storage.ArchiveActivities;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.RetentionFinding;
import com.flowviz.dr.activities.storage.RetentionReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TestEnvironments;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The catalog's read-only procedures: listing backups and checking their retention. */
class CatalogWorkflowsTest {

  private static final BackupObject BACKUP =
      new BackupObject(
          "flowviz-backups",
          "daily/flowviz_daily_20251130_020000.dump.gpg",
          Instant.parse("2025-11-30T02:00:00Z"),
          Instant.parse("2025-11-30T02:01:00Z"),
          100,
          "STANDARD",
          "e");

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final BackupStorageActivities storage =
      mock(BackupStorageActivities.class, withSettings().withoutAnnotations());
  private final ArchiveActivities archive =
      mock(ArchiveActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void setUp() {
    env =
        TestEnvironments.startedOnTheDrQueue(
            List.of(ListBackupsWorkflowImpl.class, CheckBackupRetentionWorkflowImpl.class),
            storage,
            archive);
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void listBackupsAsksTheStoreForTheGivenPrefixAndLimit() {
    when(storage.listBackups("flowviz-backups", "weekly/", 5)).thenReturn(List.of(BACKUP));

    List<BackupObject> listed =
        TestEnvironments.onTheDrQueue(client, ListBackupsWorkflow.class, "list-backups-1")
            .list(ListBackupsRequest.builder().prefix("weekly/").limit(5).build());

    assertEquals(List.of(BACKUP), listed);
    HistoryRecorder.recordIfAsked(client, "list-backups-1", "list-backups-v8-paths-listed");
  }

  @Test
  void listBackupsRefusesALimitOutOfRangeBeforeAskingTheStore() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                TestEnvironments.onTheDrQueue(client, ListBackupsWorkflow.class, "list-backups-2")
                    .list(ListBackupsRequest.builder().limit(5000).build()));

    ApplicationFailure cause = (ApplicationFailure) e.getCause();
    assertEquals(FailureTypes.INVALID_INPUT, cause.getType());
    assertTrue(cause.getOriginalMessage().contains("limit 5000 is out of range"));
    verify(storage, never()).listBackups(anyString(), anyString(), anyInt());
    HistoryRecorder.recordIfAsked(client, "list-backups-2", "list-backups-v8-paths-limit-refused");
  }

  @Test
  void checkBackupRetentionReportsTheBucketsFindings() {
    RetentionFinding finding =
        new RetentionFinding(
            "weekly/", RetentionFinding.VIOLATION, "kept 90 days", "expires after 30 days", "r1");
    when(archive.checkRetention("flowviz-backups"))
        .thenReturn(new RetentionReport("flowviz-backups", false, List.of(), List.of(finding)));

    RetentionReport report =
        TestEnvironments.onTheDrQueue(client, CheckBackupRetentionWorkflow.class, "retention-1")
            .check(RetentionCheckRequest.builder().build());

    assertFalse(report.compliant());
    assertEquals(List.of(finding), report.findings());
    HistoryRecorder.recordIfAsked(
        client, "retention-1", "check-backup-retention-v8-paths-violation");
  }
}
