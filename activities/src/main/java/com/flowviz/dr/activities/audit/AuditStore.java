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
 * append-only (a trigger rejects UPDATE, DELETE and TRUNCATE) and tamper-evident: each entry
 * carries the SHA-256 of the one before it and its own, so an entry edited by someone who gets
 * past the trigger breaks the chain at that entry, and {@link #verifyChain} names it.
 */
public final class AuditStore implements com.flowviz.dr.activities.notify.DeliveryLedger {

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
      ALTER TABLE recovery_audit_trail ADD COLUMN IF NOT EXISTS prev_hash text;
      ALTER TABLE recovery_audit_trail ADD COLUMN IF NOT EXISTS entry_hash text;
      CREATE TABLE IF NOT EXISTS recovery_audit_chain (
        id        integer PRIMARY KEY CHECK (id = 1),
        last_id   bigint NOT NULL,
        last_hash text NOT NULL
      );
      INSERT INTO recovery_audit_chain (id, last_id, last_hash) VALUES (1, 0, 'genesis') ON CONFLICT DO NOTHING;
      CREATE TABLE IF NOT EXISTS notification_deliveries (
        event_id     text NOT NULL,
        channel      text NOT NULL,
        delivered_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, channel)
      );
      CREATE TABLE IF NOT EXISTS drill_reports (
        drill_id     text PRIMARY KEY,
        finished_at  timestamptz NOT NULL,
        outcome      text NOT NULL,
        rto_seconds  double precision,
        report       jsonb NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS drill_reports_finished ON drill_reports (finished_at DESC);
      """;

  /** The hash an entry's chain starts from. */
  static final String GENESIS = "genesis";

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
        // The chain head row serialises appenders, so the chain has one order.
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_hash FROM recovery_audit_chain WHERE id = 1 FOR UPDATE")) {
          rs.next();
          previous = rs.getString(1);
        }
        AuditEntry stored = truncated(entry);
        String hash = AuditChain.hash(previous, stored);
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO recovery_audit_trail (at, operator, workflow_id, run_id, workflow_type, sequence, step,"
                    + " backup_key, outcome, details, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (workflow_id, run_id, sequence) DO NOTHING RETURNING id")) {
          bind(s, stored);
          s.setString(11, previous);
          s.setString(12, hash);
          try (ResultSet rs = s.executeQuery()) {
            if (rs.next()) {
              try (PreparedStatement head = c.prepareStatement("UPDATE recovery_audit_chain SET last_id = ?, last_hash = ? WHERE id = 1")) {
                head.setLong(1, rs.getLong(1));
                head.setString(2, hash);
                head.executeUpdate();
              }
            }
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Which of these entries the trail already holds, as (workflow id, run id, sequence) keys. */
  public java.util.Set<String> storedKeys(List<AuditEntry> entries) throws SQLException {
    ensureSchema();
    java.util.Set<String> stored = new java.util.HashSet<>();
    try (Connection c = pg.connect(database);
        PreparedStatement s = c.prepareStatement("SELECT 1 FROM recovery_audit_trail WHERE workflow_id = ? AND run_id = ? AND sequence = ?")) {
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
  public java.util.Set<String> deliveredChannels(String eventId) throws SQLException {
    ensureSchema();
    java.util.Set<String> channels = new java.util.LinkedHashSet<>();
    try (Connection c = pg.connect(database);
        PreparedStatement s = c.prepareStatement("SELECT channel FROM notification_deliveries WHERE event_id = ? ORDER BY delivered_at")) {
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
        PreparedStatement s = c.prepareStatement("INSERT INTO notification_deliveries (event_id, channel) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, eventId);
      s.setString(2, channel);
      s.executeUpdate();
    }
  }

  /** Keeps a drill's report (JSON); the same drill stored again changes nothing. */
  public void saveDrillReport(String drillId, java.time.Instant finishedAt, String outcome, Double rtoSeconds, String json) throws SQLException {
    ensureSchema();
    try (Connection c = pg.connect(database);
        PreparedStatement s = c.prepareStatement(
            "INSERT INTO drill_reports (drill_id, finished_at, outcome, rto_seconds, report) VALUES (?, ?, ?, ?, ?::jsonb) ON CONFLICT (drill_id) DO NOTHING")) {
      s.setString(1, drillId);
      s.setTimestamp(2, java.sql.Timestamp.from(finishedAt));
      s.setString(3, outcome);
      if (rtoSeconds == null) {
        s.setNull(4, java.sql.Types.DOUBLE);
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
        PreparedStatement s = c.prepareStatement("SELECT report::text FROM drill_reports ORDER BY finished_at DESC, drill_id LIMIT ?")) {
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
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_id, last_hash FROM recovery_audit_chain WHERE id = 1")) {
      rs.next();
      headId = rs.getLong(1);
      headHash = rs.getString(2);
    }
    String expectedPrevious = GENESIS;
    long checked = 0;
    long lastId = 0;
    try (Statement s = c.createStatement()) {
      s.setFetchSize(1000);
      try (ResultSet rs = s.executeQuery(
          "SELECT id, at, operator, workflow_id, run_id, workflow_type, sequence, step, backup_key, outcome, details, prev_hash, entry_hash"
              + " FROM recovery_audit_trail ORDER BY id")) {
        while (rs.next()) {
          long id = rs.getLong(1);
          AuditEntry entry = read(rs, 2);
          String previous = rs.getString(12);
          String stored = rs.getString(13);
          if (!expectedPrevious.equals(previous)) {
            return new ChainVerification(false, checked, id,
                "entry " + id + " does not follow entry " + lastId + ": an entry before it was removed or rewritten");
          }
          if (!AuditChain.hash(previous, entry).equals(stored)) {
            return new ChainVerification(false, checked, id,
                "entry " + id + " (" + entry.workflowId() + ", " + entry.step() + ") was changed after it was written");
          }
          expectedPrevious = stored;
          lastId = id;
          checked++;
        }
      }
    }
    if (headId != lastId || !headHash.equals(expectedPrevious)) {
      return new ChainVerification(false, checked, headId,
          "the chain ends at entry " + lastId + " but its head names entry " + headId + ": entries at the end were removed");
    }
    return new ChainVerification(true, checked, 0, "all " + checked + " entries chain correctly");
  }

  private static AuditEntry truncated(AuditEntry e) {
    // timestamptz keeps microseconds: hash what is stored.
    return new AuditEntry(e.at().truncatedTo(java.time.temporal.ChronoUnit.MICROS), e.operator(), e.workflowId(), e.runId(),
        e.workflowType(), e.sequence(), e.step(), e.backupKey(), e.outcome(), e.details());
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

  private static AuditEntry read(ResultSet rs, int from) throws SQLException {
    return new AuditEntry(
        rs.getTimestamp(from).toInstant(), rs.getString(from + 1), rs.getString(from + 2), rs.getString(from + 3), rs.getString(from + 4),
        rs.getInt(from + 5), rs.getString(from + 6), rs.getString(from + 7), rs.getString(from + 8), rs.getString(from + 9));
  }

  /** Entries of one workflow, in order. */
  public List<AuditEntry> entriesOf(String workflowId) throws SQLException {
    return query("workflow_id = ?", workflowId);
  }

  /** Entries of a workflow and of the workflows it started (their ids begin with its own), by time. */
  public List<AuditEntry> entriesOfIncident(String workflowId) throws SQLException {
    return query("(workflow_id = ? OR workflow_id LIKE ? ESCAPE '\\')", workflowId,
        workflowId.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%");
  }

  private List<AuditEntry> query(String condition, String... values) throws SQLException {
    ensureSchema();
    List<AuditEntry> entries = new ArrayList<>();
    try (Connection c = pg.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT at, operator, workflow_id, run_id, workflow_type, sequence, step, backup_key, outcome, details"
                    + " FROM recovery_audit_trail WHERE " + condition + " ORDER BY id")) {
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
          backfillChain(c);
        } finally {
          s.execute("SELECT pg_advisory_unlock(4242001)");
        }
      }
      ready = true;
    }
  }

  /** Entries written before the chain existed get their hashes, in order, once. */
  private static void backfillChain(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM recovery_audit_trail WHERE entry_hash IS NULL")) {
      rs.next();
      if (rs.getLong(1) == 0) {
        return;
      }
    }
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE recovery_audit_trail DISABLE TRIGGER recovery_audit_trail_no_update");
      String previous = GENESIS;
      long lastId = 0;
      List<long[]> ids = new ArrayList<>();
      List<AuditEntry> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT id, at, operator, workflow_id, run_id, workflow_type, sequence, step, backup_key, outcome, details FROM recovery_audit_trail ORDER BY id")) {
        while (rs.next()) {
          ids.add(new long[] {rs.getLong(1)});
          rows.add(read(rs, 2));
        }
      }
      try (PreparedStatement update = c.prepareStatement("UPDATE recovery_audit_trail SET prev_hash = ?, entry_hash = ? WHERE id = ?")) {
        for (int i = 0; i < rows.size(); i++) {
          String hash = AuditChain.hash(previous, rows.get(i));
          update.setString(1, previous);
          update.setString(2, hash);
          update.setLong(3, ids.get(i)[0]);
          update.addBatch();
          previous = hash;
          lastId = ids.get(i)[0];
        }
        update.executeBatch();
      }
      try (PreparedStatement head = c.prepareStatement("UPDATE recovery_audit_chain SET last_id = ?, last_hash = ? WHERE id = 1")) {
        head.setLong(1, lastId);
        head.setString(2, previous);
        head.executeUpdate();
      }
      s.execute("ALTER TABLE recovery_audit_trail ENABLE TRIGGER recovery_audit_trail_no_update");
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
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
