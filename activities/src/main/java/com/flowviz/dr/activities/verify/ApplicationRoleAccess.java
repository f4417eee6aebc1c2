package com.flowviz.dr.activities.verify;

import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.SqlStates;
import com.flowviz.dr.workflows.common.Names;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the application could use the restored database: logged in as the application's own role
 * with the password of its configured secret, it reads every table the restored (the archive's)
 * privileges grant it. A restore that lost its owners and grants (pg_restore {@code --no-owner
 * --no-privileges}) grants it nothing, and fails here before anything is swapped.
 *
 * @param applicationDatabase the application's database: the check applies to it and to its staging
 *     databases; a side copy of another database is not the application's to read
 */
public record ApplicationRoleAccess(ApplicationLogin login, String applicationDatabase) {

  static final String CHECK = "application role reads its tables";

  /** Whether the database is the application's (or its staging copy). */
  public boolean appliesTo(String database) {
    if (login == null || !login.configured()) {
      return false;
    }
    return applicationDatabase == null
        || database.equals(applicationDatabase)
        || database.startsWith(applicationDatabase + Names.STAGING_INFIX);
  }

  /**
   * @param asWorker a connection to {@code database} as the worker's role, to list the grants
   * @param worker the worker's client of that server; the application's login goes to the same host
   *     and port
   */
  VerificationCheck check(Connection asWorker, PgClient worker, String database)
      throws SQLException {
    String role = login.role();
    if (!roleExists(asWorker, role)) {
      return failed(
          "the role "
              + role
              + " does not exist on "
              + worker.settings().host()
              + ":"
              + worker.settings().port());
    }
    List<String> granted = new ArrayList<>();
    long tables = 0;
    try (PreparedStatement s =
        asWorker.prepareStatement(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), has_table_privilege(?,"
                + " c.oid, 'SELECT') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r','p','v','m','f') AND n.nspname NOT IN"
                + " ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY"
                + " 1")) {
      s.setString(1, role);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          tables++;
          if (rs.getBoolean(2)) {
            granted.add(rs.getString(1));
          }
        }
      }
    }
    if (tables > 0 && granted.isEmpty()) {
      return failed(
          "the restored privileges grant "
              + role
              + " none of the "
              + tables
              + " tables (owners and grants were not restored?)");
    }
    PgClient application = new PgClient(worker.settings().withCredentials(role, login.password()));
    List<String> refused = new ArrayList<>();
    try (Connection c = application.connect(database)) {
      c.setReadOnly(true);
      for (String table : granted) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT 1 FROM " + table + " LIMIT 1")) {
          rs.next();
        } catch (SQLException e) {
          if (SqlStates.canHeal(e) && !"42501".equals(e.getSQLState())) {
            throw e;
          }
          refused.add(table + " (" + e.getMessage() + ")");
        }
      }
    } catch (SQLException e) {
      if (SqlStates.canHeal(e) && !"42501".equals(e.getSQLState()) && refused.isEmpty()) {
        throw e;
      }
      return failed(
          role
              + " cannot log in to "
              + database
              + " with the password of its secret: "
              + e.getMessage());
    }
    if (!refused.isEmpty()) {
      return failed(
          role
              + " cannot read "
              + refused.size()
              + " of the "
              + granted.size()
              + " tables granted to it: "
              + String.join("; ", refused));
    }
    return new VerificationCheck(
        CHECK,
        true,
        expected(),
        "logged in as " + role + " and read all " + granted.size() + " tables granted to it");
  }

  /** The report with this check among its checks; a failed check fails the report. */
  VerificationReport addTo(VerificationReport report, VerificationCheck check) {
    List<VerificationCheck> checks = new ArrayList<>(report.checks());
    checks.add(check);
    return new VerificationReport(
        report.database(),
        report.passed() && check.passed(),
        report.comparedWithManifest(),
        checks,
        report.tableCounts(),
        report.latestLots(),
        report.qcDecisionsByType(),
        report.findings());
  }

  private VerificationCheck failed(String actual) {
    return new VerificationCheck(CHECK, false, expected(), actual);
  }

  private String expected() {
    return login.role()
        + ", with the password of its secret, reads every table the archive grants it";
  }

  private static boolean roleExists(Connection c, String role) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      s.setString(1, role);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }
}
