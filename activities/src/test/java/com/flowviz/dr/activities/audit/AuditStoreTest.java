package com.flowviz.dr.activities.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditStoreTest {

  @Test
  void appendingTheSameEntryTwiceStoresItOnce() throws Exception {
    AuditStore store = new AuditStore(TestPostgres.client(), TestPostgres.newDatabaseName("audit"));
    AuditEntry entry = entry("wf-1", 1, "resolve-backup");
    store.append(entry);
    store.append(entry);
    store.append(entry("wf-1", 2, "download-backup"));
    assertEquals(2, store.entriesOf("wf-1").size());
    assertEquals(entry, store.entriesOf("wf-1").get(0));
  }

  @Test
  void theTrailRefusesUpdatesDeletesAndTruncation() throws Exception {
    String database = TestPostgres.newDatabaseName("audit");
    AuditStore store = new AuditStore(TestPostgres.client(), database);
    store.append(entry("wf-2", 1, "swap-staging-into-live"));
    for (String tampering :
        new String[] {
          "UPDATE recovery_audit_trail SET outcome = 'SUCCEEDED'",
          "DELETE FROM recovery_audit_trail",
          "TRUNCATE recovery_audit_trail"
        }) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> TestPostgres.execute(database, tampering));
      assertTrue(((SQLException) e.getCause()).getMessage().contains("append-only"), tampering);
    }
    assertEquals(1, store.entriesOf("wf-2").size());
  }

  @Test
  void anIntactTrailChainsEveryEntry() throws Exception {
    AuditStore store = new AuditStore(TestPostgres.client(), TestPostgres.newDatabaseName("audit"));
    for (int i = 1; i <= 5; i++) {
      store.append(entry("wf-3", i, "step-" + i));
    }
    ChainVerification check = store.verifyChain();
    assertTrue(check.intact(), check.finding());
    assertEquals(5, check.entriesChecked());
  }

  @Test
  void editingOneRowPastTheTriggerIsNamedByTheChainCheck() throws Exception {
    String database = TestPostgres.newDatabaseName("audit");
    AuditStore store = new AuditStore(TestPostgres.client(), database);
    for (int i = 1; i <= 5; i++) {
      store.append(entry("wf-4", i, "step-" + i));
    }
    long third =
        Long.parseLong(
            TestPostgres.query(database, "SELECT id FROM recovery_audit_trail WHERE sequence = 3")
                .get(0));
    // An intruder with the owner's rights switches the guard off, edits one row and switches it
    // back.
    TestPostgres.execute(
        database,
        "ALTER TABLE recovery_audit_trail DISABLE TRIGGER recovery_audit_trail_no_update",
        "UPDATE recovery_audit_trail SET outcome = 'SUCCEEDED', details = 'verification passed'"
            + " WHERE id = "
            + third,
        "ALTER TABLE recovery_audit_trail ENABLE TRIGGER recovery_audit_trail_no_update");

    ChainVerification check = store.verifyChain();

    assertEquals(false, check.intact());
    assertEquals(third, check.firstBrokenEntry());
    assertEquals(2, check.entriesChecked());
    assertTrue(check.finding().contains("was changed after it was written"), check.finding());
  }

  @Test
  void removingTheLastEntriesIsNoticedByTheChainHead() throws Exception {
    String database = TestPostgres.newDatabaseName("audit");
    AuditStore store = new AuditStore(TestPostgres.client(), database);
    for (int i = 1; i <= 3; i++) {
      store.append(entry("wf-5", i, "step-" + i));
    }
    TestPostgres.execute(
        database,
        "ALTER TABLE recovery_audit_trail DISABLE TRIGGER recovery_audit_trail_no_update",
        "DELETE FROM recovery_audit_trail WHERE sequence = 3",
        "ALTER TABLE recovery_audit_trail ENABLE TRIGGER recovery_audit_trail_no_update");

    ChainVerification check = store.verifyChain();

    assertEquals(false, check.intact());
    assertTrue(check.finding().contains("entries at the end were removed"), check.finding());
  }

  @Test
  void anIncidentTimelineHoldsTheIncidentAndTheProceduresItStarted() throws Exception {
    AuditStore store = new AuditStore(TestPostgres.client(), TestPostgres.newDatabaseName("audit"));
    store.append(entry("incident-a", 1, "assess-situation"));
    store.append(entry("incident-a-restore", 1, "resolve-backup"));
    store.append(entry("incident-ab", 1, "another incident"));
    store.append(entry("incident-a", 2, "write-incident-report"));
    assertEquals(
        List.of("assess-situation", "resolve-backup", "write-incident-report"),
        store.entriesOfIncident("incident-a").stream().map(AuditEntry::step).toList());
  }

  private static AuditEntry entry(String workflowId, int sequence, String step) {
    return new AuditEntry(
        Instant.parse("2025-01-19T03:00:0" + sequence + "Z"),
        "alice",
        workflowId,
        "run-1",
        "RestoreFromBackup",
        sequence,
        step,
        "daily/flowviz_daily_20250119_020000.dump.gpg",
        "SUCCEEDED",
        "details " + sequence);
  }
}
