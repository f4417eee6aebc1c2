package com.flowviz.dr.activities.audit;

import com.flowviz.dr.activities.notify.DeliveryLedger;
import com.flowviz.dr.activities.postgres.PgClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The recovery audit trail (runbook section 7) in a PostgreSQL database of its own. The table is
 * append-only (a trigger rejects UPDATE, DELETE and TRUNCATE) and tamper-evident: each entry
 * carries the SHA-256 of the one before it and its own, so an entry edited by someone who gets past
 * the trigger breaks the chain at that entry, and {@link #verifyChain} names it. The tables belong
 * to {@link AuditMigration#OWNER_ROLE}; the role this store connects as only inserts and reads, and
 * nothing here ever rewrites an entry.
 */
public final class AuditStore implements DeliveryLedger {

  /** The hash an entry's chain starts from. */
  static final String GENESIS = "genesis";

  /** Serialises appenders across workers. */
  private static final long APPEND_LOCK = 4242002L;

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
    try (Connection c = pg.connect(database)) {
      c.setAutoCommit(false);
      try {
        String previous;
        // An advisory lock serialises appenders (the writer may not lock the head row), so the
        // chain has one order; the owner's trigger moves the head as the entry goes in.
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_advisory_xact_lock(" + APPEND_LOCK + ")");
          try (ResultSet rs =
              s.executeQuery("SELECT last_hash FROM recovery_audit_chain WHERE id = 1")) {
            rs.next();
            previous = rs.getString(1);
          }
        }
        AuditEntry stored = truncated(entry);
        String hash = AuditChain.hash(previous, stored);
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO recovery_audit_trail (at, operator, workflow_id, run_id,"
                    + " workflow_type, sequence, step, backup_key, outcome, details, prev_hash,"
                    + " entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT"
                    + " (workflow_id, run_id, sequence) DO NOTHING")) {
          bind(s, stored);
          s.setString(11, previous);
          s.setString(12, hash);
          s.executeUpdate();
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Which of these entries the trail already holds, as (workflow id, run id, sequence) keys. */
  public Set<String> storedKeys(List<AuditEntry> entries) throws SQLException {
    ensureSchema();
    Set<String> stored = new HashSet<>();
    try (Connection c = pg.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT 1 FROM recovery_audit_trail WHERE workflow_id = ? AND run_id = ? AND"
                    + " sequence = ?")) {
      for (AuditEntry e : entries) {
        s.setString(1, e.workflowId());
        s.setString(2, e.runId());
        s.setInt(3, e.sequence());
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            stored.add(key(e));
          }
        }
      }
    }
    return stored;
  }

  public static String key(AuditEntry e) {
    return e.workflowId() + "/" + e.runId() + "/" + e.sequence();
  }

  @Override
  public Set<String> deliveredChannels(String eventId) throws SQLException {
    ensureSchema();
    Set<String> channels = new LinkedHashSet<>();
    try (Connection c = pg.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT channel FROM notification_deliveries WHERE event_id = ? ORDER BY"
                    + " delivered_at")) {
      s.setString(1, eventId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          channels.add(rs.getString(1));
        }
      }
    }
    return channels;
  }

  @Override
  public void recordDelivery(String eventId, String channel) throws SQLException {
    ensureSchema();
    try (Connection c = pg.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO notification_deliveries (event_id, channel) VALUES (?, ?) ON CONFLICT"
                    + " DO NOTHING")) {
      s.setString(1, eventId);
      s.setString(2, channel);
      s.executeUpdate();
    }
  }

  /** Keeps a drill's report (JSON); the same drill stored again changes nothing. */
  public void saveDrillReport(
      String drillId, Instant finishedAt, String outcome, Double rtoSeconds, String json)
      throws SQLException {
    ensureSchema();
    try (Connection c = pg.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO drill_reports (drill_id, finished_at, outcome, rto_seconds, report)"
                    + " VALUES (?, ?, ?, ?, ?::jsonb) ON CONFLICT (drill_id) DO NOTHING")) {
      s.setString(1, drillId);
      s.setTimestamp(2, Timestamp.from(finishedAt));
      s.setString(3, outcome);
      if (rtoSeconds == null) {
        s.setNull(4, Types.DOUBLE);
      } else {
        s.setDouble(4, rtoSeconds);
      }
      s.setString(5, json);
      s.executeUpdate();
    }
  }

  /** The newest drill reports' JSON, newest first. */
  public List<String> recentDrillReports(int limit) throws SQLException {
    ensureSchema();
    List<String> reports = new ArrayList<>();
    try (Connection c = pg.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT report::text FROM drill_reports ORDER BY finished_at DESC, drill_id"
                    + " LIMIT ?")) {
      s.setInt(1, limit);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reports.add(rs.getString(1));
        }
      }
    }
    return reports;
  }

  /** Walks the whole chain; names the first entry that does not fit. */
  public ChainVerification verifyChain() throws SQLException {
    ensureSchema();
    try (Connection c = pg.connect(database)) {
      // One snapshot for the head and the entries: appends that commit meanwhile are not half seen.
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try {
        return walk(c);
      } finally {
        c.rollback();
      }
    }
  }

  private static ChainVerification walk(Connection c) throws SQLException {
    long headId;
    String headHash;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT last_id, last_hash FROM recovery_audit_chain WHERE id = 1")) {
      rs.next();
      headId = rs.getLong(1);
      headHash = rs.getString(2);
    }
    String expectedPrevious = GENESIS;
    long checked = 0;
    long lastId = 0;
    try (Statement s = c.createStatement()) {
      s.setFetchSize(1000);
      try (ResultSet rs =
          s.executeQuery(
              "SELECT id, at, operator, workflow_id, run_id, workflow_type, sequence, step,"
                  + " backup_key, outcome, details, prev_hash, entry_hash FROM recovery_audit_trail"
                  + " ORDER BY id")) {
        while (rs.next()) {
          long id = rs.getLong(1);
          AuditEntry entry = read(rs, 2);
          String previous = rs.getString(12);
          String stored = rs.getString(13);
          if (stored == null) {
            // Since the migration every entry is chained as it is written: a missing hash is an
            // edit by someone past the guards, hoping a re-hash would cover it.
            return new ChainVerification(
                false,
                checked,
                id,
                "entry "
                    + id
                    + " ("
                    + entry.workflowId()
                    + ", "
                    + entry.step()
                    + ") has no hash: it was rewritten after it was written");
          }
          if (!expectedPrevious.equals(previous)) {
            return new ChainVerification(
                false,
                checked,
                id,
                "entry "
                    + id
                    + " does not follow entry "
                    + lastId
                    + ": an entry before it was removed or rewritten");
          }
          if (!AuditChain.hash(previous, entry).equals(stored)) {
            return new ChainVerification(
                false,
                checked,
                id,
                "entry "
                    + id
                    + " ("
                    + entry.workflowId()
                    + ", "
                    + entry.step()
                    + ") was changed after it was written");
          }
          expectedPrevious = stored;
          lastId = id;
          checked++;
        }
      }
    }
    if (headId != lastId || !headHash.equals(expectedPrevious)) {
      return new ChainVerification(
          false,
          checked,
          headId,
          "the chain ends at entry "
              + lastId
              + " but its head names entry "
              + headId
              + ": entries at the end were removed");
    }
    return new ChainVerification(true, checked, 0, "all " + checked + " entries chain correctly");
  }

  private static AuditEntry truncated(AuditEntry e) {
    // timestamptz keeps microseconds: hash what is stored.
    return new AuditEntry(
        e.at().truncatedTo(ChronoUnit.MICROS),
        e.operator(),
        e.workflowId(),
        e.runId(),
        e.workflowType(),
        e.sequence(),
        e.step(),
        e.backupKey(),
        e.outcome(),
        e.details());
  }

  private static void bind(PreparedStatement s, AuditEntry entry) throws SQLException {
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
  }

  static AuditEntry read(ResultSet rs, int from) throws SQLException {
    return new AuditEntry(
        rs.getTimestamp(from).toInstant(),
        rs.getString(from + 1),
        rs.getString(from + 2),
        rs.getString(from + 3),
        rs.getString(from + 4),
        rs.getInt(from + 5),
        rs.getString(from + 6),
        rs.getString(from + 7),
        rs.getString(from + 8),
        rs.getString(from + 9));
  }

  /** Entries of one workflow, in order. */
  public List<AuditEntry> entriesOf(String workflowId) throws SQLException {
    return query("workflow_id = ?", workflowId);
  }

  /**
   * Entries of a workflow and of the workflows it started (their ids begin with its own), by time.
   */
  public List<AuditEntry> entriesOfIncident(String workflowId) throws SQLException {
    return query(
        "(workflow_id = ? OR workflow_id LIKE ? ESCAPE '\\')",
        workflowId,
        workflowId.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%");
  }

  private List<AuditEntry> query(String condition, String... values) throws SQLException {
    ensureSchema();
    List<AuditEntry> entries = new ArrayList<>();
    try (Connection c = pg.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT at, operator, workflow_id, run_id, workflow_type, sequence, step,"
                    + " backup_key, outcome, details FROM recovery_audit_trail WHERE "
                    + condition
                    + " ORDER BY id")) {
      for (int i = 0; i < values.length; i++) {
        s.setString(i + 1, values[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          entries.add(read(rs, 1));
        }
      }
    }
    return entries;
  }

  /**
   * Checks once that the audit database is migrated ({@link AuditMigration}). A worker connected as
   * a superuser migrates it itself; any other role is told to run the migration: the worker's role
   * cannot, and must not be able to, own or alter the trail.
   */
  private void ensureSchema() throws SQLException {
    if (ready) {
      return;
    }
    synchronized (this) {
      if (ready) {
        return;
      }
      if (!migrated()) {
        String role = pg.settings().user();
        if (!superuser()) {
          throw new SQLException(
              "The audit database "
                  + database
                  + " is not migrated to schema version "
                  + AuditMigration.VERSION
                  + " (or "
                  + role
                  + " may not read it): run `flowviz-dr-worker migrate-audit --database "
                  + database
                  + " --writer "
                  + role
                  + "` as a database administrator (README, \"The audit trail\")",
              "55000");
        }
        new AuditMigration(pg, database).migrate(role);
      }
      ready = true;
    }
  }

  private boolean migrated() throws SQLException {
    try (Connection c = pg.connect(database)) {
      return AuditMigration.versionOf(c) >= AuditMigration.VERSION;
    } catch (SQLException e) {
      if ("3D000".equals(e.getSQLState())
          || "42501".equals(e.getSQLState())) { // no such database; not granted yet
        return false;
      }
      throw e;
    }
  }

  private boolean superuser() throws SQLException {
    try (Connection c = pg.connectMaintenance()) {
      return AuditMigration.isSuperuser(c);
    }
  }
}
