package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.audit.AuditMigration;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.starter.StarterCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's laundering attempt, end to end: the trail is migrated by an administrator, the worker
 * process keeps it as a role of its own that may only insert and read, and someone with the owner's
 * rights edits an entry past the trigger and clears its hash. The old worker re-hashed such a trail
 * at its next start, and the edit verified; now the restarted worker leaves it as it is and {@code
 * flowviz-dr verify-audit} names the entry (exit 6). The worker's role is refused the edit itself:
 * UPDATE, DELETE, TRUNCATE and switching the trigger off are "permission denied".
 *
 * <p>Time budget: about 40 s on 2 cores (two worker process starts of about 10 s each, two
 * verify-audit runs; no backup or restore); measured 159 s and 344 s at loads of 19 and 16, worker
 * starts included.
 */
class AuditTrailLaunderingTest {

  @TempDir Path dir;

  @Test
  void anEntryEditedAndUnhashedByTheOwnerIsABreakAfterTheWorkerRestarts() throws Exception {
    String database = TestPostgres.newDatabaseName("audit");
    String writer = "audit_worker_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String password = UUID.randomUUID().toString();
    AuditMigration migration = new AuditMigration(TestPostgres.client(), database);
    migration.migrate(writer);
    migration.setWriterPassword(writer, password);
    Path writerPgpass =
        Files.createFile(
            dir.resolve("audit-pgpass"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        writerPgpass,
        "127.0.0.1:" + TestPostgres.settings().port() + ":*:" + writer + ":" + password + "\n");
    PgClient asWorker = new PgClient(TestPostgres.settings().withCredentials(writer, password));

    try (SeparateWorkerStack stack = new SeparateWorkerStack(dir)) {
      stack.property("flowviz.pg.audit-database", database);
      stack.property("flowviz.audit.user", writer);
      stack.property("flowviz.audit.passfile", writerPgpass);

      long edited;
      try (WorkerProcess first = stack.startWorker()) {
        AuditStore trail = new AuditStore(asWorker, database);
        for (int i = 1; i <= 4; i++) {
          trail.append(
              new AuditEntry(
                  Instant.parse("2026-11-30T09:00:0" + i + "Z"),
                  "alice",
                  "incident-l",
                  "run-1",
                  "HandleIncident",
                  i,
                  "step-" + i,
                  "daily/flowviz_daily_20261130_020000.dump.gpg",
                  i == 3 ? "FAILED" : "SUCCEEDED",
                  "entry " + i));
        }
        String intact = verifyAudit(stack, 0);
        assertTrue(intact.startsWith("INTACT: all 4 entries chain correctly"), intact);

        edited =
            Long.parseLong(
                TestPostgres.query(
                        database, "SELECT id FROM recovery_audit_trail WHERE sequence = 3")
                    .get(0));
        try (Connection c = asWorker.connect(database)) {
          for (String edit :
              List.of(
                  "UPDATE recovery_audit_trail SET outcome = 'SUCCEEDED' WHERE id = " + edited,
                  "DELETE FROM recovery_audit_trail WHERE id = " + edited,
                  "TRUNCATE recovery_audit_trail",
                  "ALTER TABLE recovery_audit_trail DISABLE TRIGGER"
                      + " recovery_audit_trail_no_update")) {
            SQLException refused =
                assertThrows(
                    SQLException.class,
                    () -> {
                      try (Statement s = c.createStatement()) {
                        s.execute(edit);
                      }
                    },
                    edit);
            assertEquals("42501", refused.getSQLState(), edit + ": " + refused.getMessage());
          }
        }
        first.terminate(java.time.Duration.ofSeconds(60));
      }

      // The owner's rights (here the superuser's): guard off, the failure turned into a success,
      // hash cleared.
      TestPostgres.execute(
          database,
          "ALTER TABLE recovery_audit_trail DISABLE TRIGGER recovery_audit_trail_no_update",
          "UPDATE recovery_audit_trail SET outcome = 'SUCCEEDED', prev_hash = NULL, entry_hash ="
              + " NULL WHERE id = "
              + edited,
          "ALTER TABLE recovery_audit_trail ENABLE TRIGGER recovery_audit_trail_no_update");

      try (WorkerProcess restarted = stack.startWorker()) {
        String broken = verifyAudit(stack, 6);
        assertTrue(
            broken.startsWith(
                "BROKEN at entry "
                    + edited
                    + ": entry "
                    + edited
                    + " (incident-l, step-3) has no hash"),
            broken);
        assertEquals(
            List.of("t"),
            TestPostgres.query(
                database,
                "SELECT entry_hash IS NULL FROM recovery_audit_trail WHERE id = " + edited));
      }
    }
  }

  private static String verifyAudit(SeparateWorkerStack stack, int expectedExit) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        StarterCommand.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "verify-audit",
            "--address",
            stack.temporal.address());
    assertEquals(expectedExit, exit, out + "\n" + err);
    return out.toString();
  }
}
