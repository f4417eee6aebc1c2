package com.flowviz.dr.activities.audit;

import com.flowviz.dr.activities.postgres.PgClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The recovery audit trail (runbook section 7) in a PostgreSQL database of its own. The table is
 * append-only: a trigger rejects UPDATE, DELETE and TRUNCATE, so a mistake or an intruder with the
 * worker's credentials cannot quietly rewrite history.
 */
public final class AuditStore {

  private static final String SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS recovery_audit_trail (
        id            bigserial PRIMARY KEY,
        at            timestamptz NOT NULL,
        recorded_at   timestamptz NOT NULL DEFAULT now(),
        operator      text NOT NULL,
        workflow_id   text NOT NULL,
        run_id        text NOT NULL,
        workflow_type text NOT NULL,
        sequence      integer NOT NULL,
        step          text NOT NULL,
        backup_key    text,
        outcome       text NOT NULL,
        details       text,
        UNIQUE (workflow_id, run_id, sequence)
      );
      CREATE OR REPLACE FUNCTION recovery_audit_trail_append_only() RETURNS trigger AS $$
      BEGIN
        RAISE EXCEPTION 'recovery_audit_trail is append-only (% refused)', TG_OP;
      END;
      $$ LANGUAGE plpgsql;
      DROP TRIGGER IF EXISTS recovery_audit_trail_no_update ON recovery_audit_trail;
      CREATE TRIGGER recovery_audit_trail_no_update BEFORE UPDATE OR DELETE ON recovery_audit_trail
        FOR EACH ROW EXECUTE FUNCTION recovery_audit_trail_append_only();
      DROP TRIGGER IF EXISTS recovery_audit_trail_no_truncate ON recovery_audit_trail;
      CREATE TRIGGER recovery_audit_trail_no_truncate BEFORE TRUNCATE ON recovery_audit_trail
        FOR EACH STATEMENT EXECUTE FUNCTION recovery_audit_trail_append_only();
      """;

  private final PgClient pg;
  private final String database;
  private volatile boolean ready;

  public AuditStore(PgClient pg, String database) {
    this.pg = pg;
    this.database = database;
  }

  public String database() {
    return database;
  }

  /** Stores the entry unless the same (workflow run, sequence) is already stored. */
  public void append(AuditEntry entry) throws SQLException {
    ensureSchema();
    try (Connection c = pg.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO recovery_audit_trail (at, operator, workflow_id, run_id, workflow_type, sequence, step,"
                    + " backup_key, outcome, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (workflow_id, run_id, sequence) DO NOTHING")) {
      s.setTimestamp(1, Timestamp.from(entry.at()));
      s.setString(2, entry.operator());
      s.setString(3, entry.workflowId());
      s.setString(4, entry.runId());
      s.setString(5, entry.workflowType());
      s.setInt(6, entry.sequence());
      s.setString(7, entry.step());
      s.setString(8, entry.backupKey());
      s.setString(9, entry.outcome());
      s.setString(10, entry.details());
      s.executeUpdate();
    }
  }

  /** Entries of one workflow, in order. */
  public List<AuditEntry> entriesOf(String workflowId) throws SQLException {
    ensureSchema();
    List<AuditEntry> entries = new ArrayList<>();
    try (Connection c = pg.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT at, operator, workflow_id, run_id, workflow_type, sequence, step, backup_key, outcome, details"
                    + " FROM recovery_audit_trail WHERE workflow_id = ? ORDER BY run_id, sequence")) {
      s.setString(1, workflowId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          entries.add(new AuditEntry(
              rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
              rs.getInt(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)));
        }
      }
    }
    return entries;
  }

  private void ensureSchema() throws SQLException {
    if (ready) {
      return;
    }
    synchronized (this) {
      if (ready) {
        return;
      }
      createDatabaseIfMissing();
      try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
        // Concurrent workers may run this at once; the advisory lock makes them take turns.
        s.execute("SELECT pg_advisory_lock(4242001)");
        try {
          s.execute(SCHEMA);
        } finally {
          s.execute("SELECT pg_advisory_unlock(4242001)");
        }
      }
      ready = true;
    }
  }

  private void createDatabaseIfMissing() throws SQLException {
    try (Connection c = pg.connectMaintenance()) {
      try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        s.setString(1, database);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            return;
          }
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + PgClient.quote(database));
      } catch (SQLException e) {
        if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another worker
          throw e;
        }
      }
    }
  }
}
