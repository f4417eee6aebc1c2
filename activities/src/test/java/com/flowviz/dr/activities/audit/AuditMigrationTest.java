package com.flowviz.dr.activities.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The audit trail cannot be laundered (issue 15, item 7), on the test cluster: the one-time
 * backfill of a trail from before the chain, an edited row with its hash set to NULL that no later
 * start repairs, and a writer role that is refused every way of editing the trail. Time budget: a
 * few seconds (no worker, no Temporal).
 */
class AuditMigrationTest {

  @Test
  void aTrailFromBeforeTheChainIsHashedOnceAndANullHashAfterThatIsABreakNotARepair()
      throws Exception {
    String database = TestPostgres.newDatabaseName("audit");
    TestPostgres.execute("postgres", "CREATE DATABASE " + database);
    // The trail as the first releases wrote it: no hashes, no head, no version row.
    TestPostgres.execute(
        database,
        "CREATE TABLE recovery_audit_trail (id bigserial PRIMARY KEY, at timestamptz NOT NULL,"
            + " recorded_at timestamptz NOT NULL DEFAULT now(), operator text NOT NULL, workflow_id"
            + " text NOT NULL, run_id text NOT NULL, workflow_type text NOT NULL, sequence integer"
            + " NOT NULL, step text NOT NULL, backup_key text, outcome text NOT NULL, details text,"
            + " UNIQUE (workflow_id, run_id, sequence))");
    for (int i = 1; i <= 3; i++) {
      TestPostgres.execute(
          database,
          "INSERT INTO recovery_audit_trail (at, operator, workflow_id, run_id, workflow_type,"
              + " sequence, step, outcome, details) VALUES ('2025-01-19T03:00:0"
              + i
              + "Z', 'alice', 'wf-old', 'run-1', 'RestoreFromBackup', "
              + i
              + ", 'step-"
              + i
              + "', 'SUCCEEDED', 'old "
              + i
              + "')");
    }

    AuditMigration.Outcome first =
        new AuditMigration(TestPostgres.client(), database).migrate(TestPostgres.SUPERUSER);
    assertEquals(0, first.fromVersion());
    assertEquals(AuditMigration.VERSION, first.toVersion());
    assertEquals(3, first.entriesBackfilled());
    AuditStore store = new AuditStore(TestPostgres.client(), database);
    store.append(entry("wf-new", 1, "resolve-backup"));
    ChainVerification intact = store.verifyChain();
    assertTrue(intact.intact(), intact.finding());
    assertEquals(4, intact.entriesChecked());

    // Laundering: the owner edits an entry past the guard and clears its hash, hoping a re-hash
    // covers it.
    long edited =
        Long.parseLong(
            TestPostgres.query(
                    database,
                    "SELECT id FROM recovery_audit_trail WHERE workflow_id = 'wf-old' AND sequence"
                        + " = 2")
                .get(0));
    TestPostgres.execute(
        database,
        "ALTER TABLE recovery_audit_trail DISABLE TRIGGER recovery_audit_trail_no_update",
        "UPDATE recovery_audit_trail SET outcome = 'FAILED', prev_hash = NULL, entry_hash = NULL"
            + " WHERE id = "
            + edited,
        "ALTER TABLE recovery_audit_trail ENABLE TRIGGER recovery_audit_trail_no_update");

    // A migration run again and a new store (a restarted worker) re-hash nothing.
    AuditMigration.Outcome again =
        new AuditMigration(TestPostgres.client(), database).migrate(TestPostgres.SUPERUSER);
    assertEquals(AuditMigration.VERSION, again.fromVersion());
    assertEquals(0, again.entriesBackfilled());
    AuditStore restarted = new AuditStore(TestPostgres.client(), database);
    restarted.append(entry("wf-new", 2, "download-backup"));
    assertEquals(
        List.of("t"),
        TestPostgres.query(
            database, "SELECT entry_hash IS NULL FROM recovery_audit_trail WHERE id = " + edited));
    ChainVerification broken = restarted.verifyChain();
    assertFalse(broken.intact());
    assertEquals(edited, broken.firstBrokenEntry());
    assertTrue(broken.finding().contains("has no hash"), broken.finding());
    assertEquals(List.of("1"), TestPostgres.query(database, "SELECT count(*) FROM audit_schema"));
  }

  @Test
  void theWritersRoleInsertsAndReadsAndIsRefusedEveryEdit() throws Exception {
    String database = TestPostgres.newDatabaseName("audit");
    String writer = "audit_writer_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String password = UUID.randomUUID().toString();
    AuditMigration.Outcome outcome =
        new AuditMigration(TestPostgres.client(), database).migrate(writer);
    assertEquals(List.of(), outcome.warnings());
    TestPostgres.execute("postgres", "ALTER ROLE " + writer + " PASSWORD '" + password + "'");
    assertEquals(
        List.of(AuditMigration.OWNER_ROLE),
        TestPostgres.query(
            database, "SELECT tableowner FROM pg_tables WHERE tablename = 'recovery_audit_trail'"));

    PgClient asWriter = new PgClient(TestPostgres.settings().withCredentials(writer, password));
    AuditStore store = new AuditStore(asWriter, database);
    for (int i = 1; i <= 3; i++) {
      store.append(entry("wf-w", i, "step-" + i));
    }
    store.recordDelivery("event-1", "slack");
    store.saveDrillReport("drill-1", Instant.parse("2025-01-19T04:00:00Z"), "PASSED", 12.5, "{}");
    assertTrue(store.verifyChain().intact(), store.verifyChain().finding());

    try (Connection c = asWriter.connect(database)) {
      for (String edit :
          List.of(
              "UPDATE recovery_audit_trail SET outcome = 'SUCCEEDED'",
              "DELETE FROM recovery_audit_trail",
              "TRUNCATE recovery_audit_trail",
              "ALTER TABLE recovery_audit_trail DISABLE TRIGGER recovery_audit_trail_no_update",
              "ALTER TABLE recovery_audit_trail DISABLE TRIGGER ALL",
              "DROP TRIGGER recovery_audit_trail_no_update ON recovery_audit_trail",
              "UPDATE recovery_audit_chain SET last_id = 0, last_hash = 'genesis'",
              "DELETE FROM drill_reports",
              "UPDATE notification_deliveries SET channel = 'email'")) {
        SQLException refused =
            assertThrows(
                SQLException.class,
                () -> {
                  try (Statement s = c.createStatement()) {
                    s.execute(edit);
                  }
                },
                edit);
        assertEquals(
            "42501",
            refused.getSQLState(),
            edit + ": " + refused.getMessage()); // permission denied / must be owner
      }
      // Inserting is allowed, but only an entry that extends the chain.
      SQLException unchained =
          assertThrows(
              SQLException.class,
              () -> {
                try (Statement s = c.createStatement()) {
                  s.execute(
                      "INSERT INTO recovery_audit_trail (at, operator, workflow_id, run_id,"
                          + " workflow_type, sequence, step, outcome) VALUES (now(), 'mallory',"
                          + " 'wf-w', 'run-1', 'RestoreFromBackup', 99, 'forged', 'SUCCEEDED')");
                }
              });
      assertTrue(
          unchained.getMessage().contains("does not extend the chain"), unchained.getMessage());
    }
    assertEquals(3, store.entriesOf("wf-w").size());
    assertTrue(store.verifyChain().intact());
  }

  @Test
  void aWorkerThatIsNotASuperuserDoesNotMigrateAndSaysWhatToRun() throws Exception {
    String database = TestPostgres.newDatabaseName("audit");
    String writer = "audit_writer_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String password = UUID.randomUUID().toString();
    TestPostgres.execute(
        "postgres", "CREATE ROLE " + writer + " LOGIN PASSWORD '" + password + "'");
    AuditStore store =
        new AuditStore(
            new PgClient(TestPostgres.settings().withCredentials(writer, password)), database);

    SQLException e =
        assertThrows(SQLException.class, () -> store.append(entry("wf-x", 1, "resolve-backup")));

    assertTrue(
        e.getMessage()
            .contains(
                "flowviz-dr-worker migrate-audit --database " + database + " --writer " + writer),
        e.getMessage());
    assertFalse(TestPostgres.databaseExists(database));
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
