package com.flowviz.dr.activities.audit;

import com.flowviz.dr.activities.postgres.PgClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings the audit database to the current schema, run by a role that may create roles (a DBA,
 * {@code flowviz-dr-worker migrate-audit}, or a worker connected as a superuser), never by the
 * worker's own audit role. Afterwards the tables belong to {@link #OWNER_ROLE}, a role nobody logs
 * in as, and the worker's role (the writer) may only INSERT and SELECT: it cannot edit, delete or
 * truncate entries, switch the append-only triggers off or move the chain's head.
 *
 * <p>Entries written before the chain existed get their hashes once, in the migration that adds the
 * version row ({@code audit_schema}); rows already chained are never re-hashed, and once the
 * version row exists an entry without a hash is a break in the chain that {@code verify-audit}
 * reports, not something to repair: re-hashing it is exactly what would launder an edit.
 */
public final class AuditMigration {

  /**
   * Owns the audit tables; NOLOGIN, so only a superuser or a member acting on purpose can alter
   * them.
   */
  public static final String OWNER_ROLE = "flowviz_audit_owner";

  /** The schema version this code reads and writes. */
  public static final int VERSION = 1;

  /** Taken by every migration, so concurrent workers or operators take turns. */
  private static final long LOCK = 4242001L;

  private static final List<String> WRITER_TABLES =
      List.of("recovery_audit_trail", "notification_deliveries", "drill_reports");
  private static final List<String> READ_ONLY_TABLES =
      List.of("recovery_audit_chain", "audit_schema");

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
      CREATE TABLE IF NOT EXISTS audit_schema (
        version     integer PRIMARY KEY,
        migrated_at timestamptz NOT NULL DEFAULT now(),
        migrated_by text NOT NULL DEFAULT current_user
      );
      """;

  /**
   * The writer may only insert, so the chain's head moves here, as the owner: an entry that does
   * not name the head as its predecessor (or has no hash) is refused, and the head cannot be set
   * back by the writer to hide entries removed at the end.
   */
  private static final String CHAIN_HEAD_TRIGGER =
      """
      CREATE OR REPLACE FUNCTION recovery_audit_trail_extend_chain() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        head text;
      BEGIN
        SELECT last_hash INTO head FROM public.recovery_audit_chain WHERE id = 1 FOR UPDATE;
        IF NEW.entry_hash IS NULL OR NEW.prev_hash IS DISTINCT FROM head THEN
          RAISE EXCEPTION 'recovery_audit_trail entry % does not extend the chain (its predecessor is not the head)', NEW.id;
        END IF;
        UPDATE public.recovery_audit_chain SET last_id = NEW.id, last_hash = NEW.entry_hash WHERE id = 1;
        RETURN NULL;
      END;
      $$;
      REVOKE ALL ON FUNCTION recovery_audit_trail_extend_chain() FROM PUBLIC;
      DROP TRIGGER IF EXISTS recovery_audit_trail_chain ON recovery_audit_trail;
      CREATE TRIGGER recovery_audit_trail_chain AFTER INSERT ON recovery_audit_trail
        FOR EACH ROW EXECUTE FUNCTION recovery_audit_trail_extend_chain();
      """;

  /** What a migration did, for the operator. */
  public record Outcome(
      int fromVersion, int toVersion, long entriesBackfilled, List<String> warnings) {}

  private final PgClient admin;
  private final String database;

  /**
   * @param admin a role that may create databases and roles (a superuser, or CREATEDB and
   *     CREATEROLE)
   */
  public AuditMigration(PgClient admin, String database) {
    this.admin = admin;
    this.database = database;
  }

  /** The schema version of the audit database the connection is on; 0 before any migration. */
  static int versionOf(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM audit_schema")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) { // no audit_schema yet
        if (!c.getAutoCommit()) {
          c.rollback();
        }
        return 0;
      }
      throw e;
    }
  }

  /** Whether the connection's role may run the migration itself: only a superuser. */
  static boolean isSuperuser(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  /**
   * Migrates and grants the writer role INSERT and SELECT (creating it, without a password, when it
   * does not exist: set one, or a pgpass line, before the worker logs in). Safe to run again.
   */
  public Outcome migrate(String writerRole) throws SQLException {
    if (writerRole == null || writerRole.isBlank()) {
      throw new IllegalArgumentException(
          "The audit writer role (the role the worker logs in as) must be named");
    }
    createDatabaseIfMissing();
    List<String> warnings = new ArrayList<>();
    try (Connection c = admin.connect(database);
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + LOCK + ")");
      try {
        int from = versionOf(c);
        // Roles belong to the whole cluster, outside this database's lock: made before the
        // transaction, so that another database's migration making them at once is no failure.
        ensureRole(c, OWNER_ROLE, false);
        ensureRole(c, writerRole, true);
        c.setAutoCommit(false);
        try {
          boolean superuser = isSuperuser(c);
          if (!superuser) {
            // A CREATEROLE administrator must be a member to hand objects over to the owner.
            s.execute("GRANT " + PgClient.quote(OWNER_ROLE) + " TO CURRENT_USER");
          }
          s.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + PgClient.quote(OWNER_ROLE));
          s.execute(SCHEMA);
          s.execute(CHAIN_HEAD_TRIGGER);
          long backfilled = from == 0 ? backfillUnchainedTrail(c) : 0;
          handOver(c, writerRole);
          if (from < VERSION) {
            try (PreparedStatement v =
                c.prepareStatement(
                    "INSERT INTO audit_schema (version) VALUES (?) ON CONFLICT DO NOTHING")) {
              v.setInt(1, VERSION);
              v.executeUpdate();
            }
          }
          c.commit();
          warnings.addAll(writerWarnings(c, writerRole));
          return new Outcome(from, Math.max(from, VERSION), backfilled, warnings);
        } catch (SQLException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } finally {
        s.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
      }
    }
  }

  /** Sets the writer's login password (or the DBA sets it with psql). */
  public void setWriterPassword(String writerRole, String password) throws SQLException {
    try (Connection c = admin.connectMaintenance();
        Statement s = c.createStatement()) {
      // A utility statement takes no parameters: the literal is quoted (standard_conforming_strings
      // is on by default).
      s.execute(
          "ALTER ROLE "
              + PgClient.quote(writerRole)
              + " LOGIN PASSWORD '"
              + password.replace("'", "''")
              + "'");
    }
  }

  private static void ensureRole(Connection c, String role, boolean login) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      s.setString(1, role);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + PgClient.quote(role) + (login ? " LOGIN" : " NOLOGIN"));
    } catch (SQLException e) {
      if (!"42710".equals(e.getSQLState())
          && !"23505".equals(e.getSQLState())) { // made meanwhile by another migration
        throw e;
      }
    }
  }

  /** The tables and functions to the owner; the writer and everyone else down to what they need. */
  private void handOver(Connection c, String writerRole) throws SQLException {
    String owner = PgClient.quote(OWNER_ROLE);
    String writer = PgClient.quote(writerRole);
    try (Statement s = c.createStatement()) {
      for (String table : concat(WRITER_TABLES, READ_ONLY_TABLES)) {
        s.execute("ALTER TABLE " + table + " OWNER TO " + owner); // its sequence and indexes follow
        s.execute("REVOKE ALL ON " + table + " FROM PUBLIC");
        if (!writerRole.equals(OWNER_ROLE)) {
          s.execute("REVOKE ALL ON " + table + " FROM " + writer);
        }
      }
      for (String function :
          List.of("recovery_audit_trail_append_only()", "recovery_audit_trail_extend_chain()")) {
        s.execute("ALTER FUNCTION " + function + " OWNER TO " + owner);
      }
      for (String table : WRITER_TABLES) {
        s.execute("GRANT SELECT, INSERT ON " + table + " TO " + writer);
      }
      for (String table : READ_ONLY_TABLES) {
        s.execute("GRANT SELECT ON " + table + " TO " + writer);
      }
      s.execute("GRANT USAGE ON SEQUENCE recovery_audit_trail_id_seq TO " + writer);
      s.execute("GRANT USAGE ON SCHEMA public TO " + writer);
      s.execute("GRANT CONNECT ON DATABASE " + PgClient.quote(database) + " TO " + writer);
    }
  }

  /** A writer that is a superuser or acts as the owner can still alter the trail: say so. */
  private static List<String> writerWarnings(Connection c, String writerRole) throws SQLException {
    List<String> warnings = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT r.rolsuper, pg_has_role(r.oid, o.oid, 'USAGE') FROM pg_roles r, pg_roles o"
                + " WHERE r.rolname = ? AND o.rolname = ?")) {
      s.setString(1, writerRole);
      s.setString(2, OWNER_ROLE);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next() && (rs.getBoolean(1) || rs.getBoolean(2))) {
          warnings.add(
              "The writer role "
                  + writerRole
                  + " is a superuser or a member of "
                  + OWNER_ROLE
                  + ": it can still edit the trail. Give the worker an audit role of its own"
                  + " (flowviz.audit.user).");
        }
      }
    }
    return warnings;
  }

  /**
   * Entries written before the chain existed (a trail whose head was never moved) get their hashes,
   * in id order, this once. A trail with a chain is left as it is, NULL hashes included.
   */
  private static long backfillUnchainedTrail(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT last_id = 0 AND NOT EXISTS (SELECT 1 FROM recovery_audit_trail WHERE"
                    + " entry_hash IS NOT NULL) FROM recovery_audit_chain WHERE id = 1")) {
      if (!rs.next() || !rs.getBoolean(1)) {
        return 0;
      }
    }
    List<Long> ids = new ArrayList<>();
    List<AuditEntry> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id, at, operator, workflow_id, run_id, workflow_type, sequence, step,"
                    + " backup_key, outcome, details FROM recovery_audit_trail ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
        rows.add(AuditStore.read(rs, 2));
      }
    }
    if (rows.isEmpty()) {
      return 0;
    }
    String previous = AuditStore.GENESIS;
    try (Statement s = c.createStatement()) {
      // Inside the migration's transaction: the guard is off for these updates only.
      s.execute("ALTER TABLE recovery_audit_trail DISABLE TRIGGER recovery_audit_trail_no_update");
      try (PreparedStatement update =
          c.prepareStatement(
              "UPDATE recovery_audit_trail SET prev_hash = ?, entry_hash = ? WHERE id = ?")) {
        for (int i = 0; i < rows.size(); i++) {
          String hash = AuditChain.hash(previous, rows.get(i));
          update.setString(1, previous);
          update.setString(2, hash);
          update.setLong(3, ids.get(i));
          update.addBatch();
          previous = hash;
        }
        update.executeBatch();
      }
      try (PreparedStatement head =
          c.prepareStatement(
              "UPDATE recovery_audit_chain SET last_id = ?, last_hash = ? WHERE id = 1")) {
        head.setLong(1, ids.get(ids.size() - 1));
        head.setString(2, previous);
        head.executeUpdate();
      }
      s.execute("ALTER TABLE recovery_audit_trail ENABLE TRIGGER recovery_audit_trail_no_update");
    }
    return rows.size();
  }

  private void createDatabaseIfMissing() throws SQLException {
    try (Connection c = admin.connectMaintenance()) {
      try (PreparedStatement s =
          c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
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

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
