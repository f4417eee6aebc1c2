package com.flowviz.dr.activities.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runbook 6.1's "critical user workflow": the newest lot, the QC decisions on it with who decided,
 * and its temperature readings, read with the joins the application's traceability view needs.
 */
final class LotTraceability {

  private LotTraceability() {}

  static TraceabilityCheck read(Connection c, String database, String role, boolean asApplication)
      throws SQLException {
    Object lotId;
    String lotCode;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT l.id, l.lot_code FROM lots l JOIN products p ON p.id = l.product_id ORDER"
                    + " BY l.created_at DESC LIMIT 1")) {
      if (!rs.next()) {
        return new TraceabilityCheck(
            database,
            false,
            role,
            asApplication,
            null,
            0,
            0,
            "lots is empty in "
                + database
                + ": there is no lot to trace; the restore holds no traceability data");
      }
      lotId = rs.getObject(1);
      lotCode = rs.getString(2);
    }
    long decisions =
        count(
            c,
            "SELECT count(*) FROM qc_decisions q JOIN users u ON u.id = q.decided_by WHERE q.lot_id"
                + " = ?",
            lotId);
    long readings = count(c, "SELECT count(*) FROM temperature_logs t WHERE t.lot_id = ?", lotId);
    return new TraceabilityCheck(
        database, true, role, asApplication, lotCode, decisions, readings, null);
  }

  /** An operator's reading of a failure that another attempt would not cure. */
  static String explain(SQLException e, String role, String database) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = e.getMessage();
    return switch (state) {
      case "42501" ->
          "role "
              + role
              + " may not read the traceability tables of "
              + database
              + " ("
              + message
              + "); the application would fail the same way: restore the grants (GRANT SELECT ..."
              + " TO "
              + role
              + ") before reopening";
      case "28P01", "28000" ->
          "cannot log in to "
              + database
              + " as "
              + role
              + " ("
              + message
              + "); check the role and the secret flowviz.incident.application-secret-id names";
      case "42P01", "42703" ->
          "the traceability schema of "
              + database
              + " is not the one the application reads ("
              + message
              + ")";
      case "3D000" -> database + " does not exist (" + message + ")";
      default -> "SQLSTATE " + state + ": " + message;
    };
  }

  private static long count(Connection c, String sql, Object lotId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, lotId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
