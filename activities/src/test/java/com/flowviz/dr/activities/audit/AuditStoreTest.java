package com.flowviz.dr.activities.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Instant;
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
    for (String tampering : new String[] {
      "UPDATE recovery_audit_trail SET outcome = 'SUCCEEDED'",
      "DELETE FROM recovery_audit_trail",
      "TRUNCATE recovery_audit_trail"}) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestPostgres.execute(database, tampering));
      assertTrue(((SQLException) e.getCause()).getMessage().contains("append-only"), tampering);
    }
    assertEquals(1, store.entriesOf("wf-2").size());
  }

  private static AuditEntry entry(String workflowId, int sequence, String step) {
    return new AuditEntry(
        Instant.parse("2025-01-19T03:00:0" + sequence + "Z"), "alice", workflowId, "run-1", "RestoreFromBackup", sequence, step,
        "daily/flowviz_daily_20250119_020000.dump.gpg", "SUCCEEDED", "details " + sequence);
  }
}
