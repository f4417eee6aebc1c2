package com.flowviz.dr.activities.verify;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.TableStatistics;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges what 5.1 and 5.2 found instead of only listing it. A restore with no lots, or whose newest
 * lot is far older than the backup, is not the database the application had that day: it fails.
 * Without a manifest nothing says what the source held, so the live database it would replace is
 * the measure: a table that would lose more than the allowed share of its rows holds the swap for a
 * person. Issue 14's rule for schema differences holds here too: nothing is queried that was not
 * first seen in the catalog, and what differs between the restore and the live database is a
 * finding, not an SQL error.
 */
final class RestoreJudge {

  private final Duration newestLotMargin;
  private final double maxRowLoss;
  private final Duration decisionTimeout;

  private final List<VerificationCheck> checks = new ArrayList<>();
  private final List<String> findings = new ArrayList<>();
  private final List<RowLoss> rowLosses = new ArrayList<>();

  /** The live database once it was reached; null when there was none to compare with. */
  private String comparedWith;

  private boolean liveUncountable;

  /**
   * @param newestLotMargin how much older than the backup the newest lot may be
   * @param maxRowLoss the share of a live table's rows a swap may lose without a person's approval
   * @param decisionTimeout how long a held swap waits for that approval
   */
  RestoreJudge(Duration newestLotMargin, double maxRowLoss, Duration decisionTimeout) {
    this.newestLotMargin = newestLotMargin;
    this.maxRowLoss = maxRowLoss;
    this.decisionTimeout = decisionTimeout;
  }

  /** A table as a count sees it: its rows, or why they could not be counted. */
  record Counted(String table, List<String> columns, Long rows, String problem) {}

  /** Judges 5.2 on the restore; returns every table's count, for the live comparison. */
  Map<String, Counted> judgeRestore(Connection restored, Instant backupTakenAt)
      throws SQLException {
    Map<String, Counted> tables = count(restored);
    Counted lots = tables.get("lots");
    if (lots == null || lots.rows() == null) {
      // No lots table: 5.1's check (or, when the source had none either, its finding) says so.
      return tables;
    }
    if (lots.rows() == 0) {
      checks.add(new VerificationCheck("5.2 lots restored", false, "at least one lot", "no lots"));
      return tables;
    }
    checks.add(
        new VerificationCheck(
            "5.2 lots restored", true, "at least one lot", lots.rows() + " lots"));
    String createdAtType = timestampType(restored, "lots", "created_at");
    if (createdAtType == null) {
      findings.add(
          "Runbook 5.2 judges the newest lot by lots.created_at, which the restore "
              + (lots.columns().contains("created_at") ? "has, but not as a timestamp" : "lacks")
              + ": the newest lot's age was not judged.");
      return tables;
    }
    if (backupTakenAt == null) {
      findings.add("The backup's time is not known: the newest lot's age was not judged.");
      return tables;
    }
    Instant newest = newestCreatedAt(restored, createdAtType);
    Instant earliestAccepted = backupTakenAt.minus(newestLotMargin);
    boolean recent = newest != null && !newest.isBefore(earliestAccepted);
    checks.add(
        new VerificationCheck(
            "5.2 newest lot within " + readable(newestLotMargin) + " of the backup",
            recent,
            "created at or after " + earliestAccepted + " (backup taken " + backupTakenAt + ")",
            newest == null
                ? "no lot has a created_at"
                : "newest lot created "
                    + newest
                    + (recent
                        ? ""
                        : ", " + Duration.between(newest, backupTakenAt) + " before the backup")));
    return tables;
  }

  /**
   * Compares the restore with the live database it would replace. A live database that cannot be
   * reached or read (corrupted, runbook 2.1) is written down and the comparison stops there: the
   * restore is then the way back, and a swap must not wait on counting what is broken.
   */
  void compareWithLive(Map<String, Counted> restored, PgClient client, String liveDatabase) {
    Map<String, Counted> live;
    try (Connection c = client.connect(liveDatabase)) {
      c.setReadOnly(true);
      live = count(c);
    } catch (SQLException e) {
      boolean absent = "3D000".equals(e.getSQLState());
      findings.add(
          absent
              ? "There is no live database "
                  + liveDatabase
                  + " to compare with: the swap replaces nothing."
              : "The live database "
                  + liveDatabase
                  + " could not be counted ("
                  + e.getMessage()
                  + " [SQLSTATE "
                  + e.getSQLState()
                  + "]): the rows a swap would replace are not known.");
      if (!absent) {
        comparedWith = liveDatabase;
        liveUncountable = true;
      }
      return;
    }
    comparedWith = liveDatabase;
    List<String> uncounted = new ArrayList<>();
    for (Counted table : live.values()) {
      Counted restore = restored.get(table.table());
      if (table.rows() == null) {
        uncounted.add(table.table() + " (" + table.problem() + ")");
        continue;
      }
      if (restore != null && restore.rows() == null) {
        findings.add(
            "Table "
                + table.table()
                + " of the restore could not be counted ("
                + restore.problem()
                + "): its loss is not measured.");
        continue;
      }
      if (restore == null) {
        findings.add(
            "Table "
                + table.table()
                + " is in the live database but not in the restore: its "
                + table.rows()
                + " rows would be lost (the application's schema may have moved on since the"
                + " backup).");
      } else {
        List<String> missing =
            table.columns().stream().filter(column -> !restore.columns().contains(column)).toList();
        if (!missing.isEmpty()) {
          findings.add(
              "The live "
                  + table.table()
                  + " has columns the restore lacks ("
                  + String.join(", ", missing)
                  + "): the application's schema moved on since the backup, or the backup lacks"
                  + " them; without a manifest it is not known which.");
        }
      }
      long restoredRows = restore == null ? 0 : restore.rows();
      RowLoss loss = new RowLoss(table.table(), table.rows(), restoredRows);
      if (loss.lost() > 0 && loss.share() > maxRowLoss) {
        rowLosses.add(loss);
      }
    }
    if (!uncounted.isEmpty()) {
      liveUncountable = true;
      findings.add(
          "Tables of the live database "
              + liveDatabase
              + " could not be counted: "
              + String.join("; ", uncounted)
              + ". What a swap would lose in them is not known.");
    }
    findings.add(
        "Compared with the live database "
            + liveDatabase
            + " (no manifest): "
            + (live.size() - uncounted.size())
            + " tables counted; "
            + (rowLosses.isEmpty()
                ? "none would lose more than " + percent(maxRowLoss) + " of its rows."
                : rowLosses.size()
                    + " would lose more than "
                    + percent(maxRowLoss)
                    + " of their rows: "
                    + String.join("; ", rowLosses.stream().map(RowLoss::describe).toList())
                    + "."));
  }

  RestoreJudgement judgement() {
    return new RestoreJudgement(
        checks,
        findings,
        comparedWith,
        comparedWith != null && !liveUncountable,
        rowLosses,
        maxRowLoss,
        decisionTimeout);
  }

  /**
   * Every user table the role may read, counted one by one: a table that cannot be read (its file
   * gone, say) is noted and the others are still counted.
   */
  private static Map<String, Counted> count(Connection c) throws SQLException {
    c.setAutoCommit(true);
    Map<String, List<String>> columnsOf = new LinkedHashMap<>();
    Map<String, String> qualified = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT n.nspname, c.relname, (SELECT array_agg(a.attname::text ORDER BY a.attnum)"
                    + " FROM pg_attribute a   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT"
                    + " a.attisdropped) FROM pg_class c JOIN pg_namespace n ON n.oid ="
                    + " c.relnamespace WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND"
                    + " n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT"
                    + " LIKE 'pg\\_%' ORDER BY 1, 2")) {
      while (rs.next()) {
        String name = TableStatistics.displayName(rs.getString(1), rs.getString(2));
        Array columns = rs.getArray(3);
        columnsOf.put(name, columns == null ? List.of() : List.of((String[]) columns.getArray()));
        qualified.put(
            name, PgClient.quote(rs.getString(1)) + "." + PgClient.quote(rs.getString(2)));
      }
    }
    Map<String, Counted> counted = new LinkedHashMap<>();
    for (Map.Entry<String, String> table : qualified.entrySet()) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.getValue())) {
        rs.next();
        counted.put(
            table.getKey(),
            new Counted(table.getKey(), columnsOf.get(table.getKey()), rs.getLong(1), null));
      } catch (SQLException e) {
        if (!c.isValid(5)) {
          throw e; // the connection itself is gone: not a property of this table
        }
        counted.put(
            table.getKey(),
            new Counted(
                table.getKey(),
                columnsOf.get(table.getKey()),
                null,
                e.getMessage() + " [SQLSTATE " + e.getSQLState() + "]"));
      }
      Heartbeats.beat(counted.size());
    }
    return counted;
  }

  /** The column's type when it is a timestamp, else null. */
  private static String timestampType(Connection c, String table, String column)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid ="
                + " to_regclass(?) AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
      s.setString(1, "public." + PgClient.quote(table));
      s.setString(2, column);
      try (ResultSet rs = s.executeQuery()) {
        String type = rs.next() ? rs.getString(1) : null;
        return type != null && type.startsWith("timestamp") ? type : null;
      }
    }
  }

  private static Instant newestCreatedAt(Connection c, String type) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(created_at) FROM lots")) {
      rs.next();
      if (type.contains("with time zone")) {
        OffsetDateTime value = rs.getObject(1, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
      }
      // Without a time zone the values are read as UTC, as the manifest's statistics are.
      LocalDateTime value = rs.getObject(1, LocalDateTime.class);
      return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
  }

  /** P2D rather than PT48H: the margin as it is configured. */
  private static String readable(Duration d) {
    return d.toSecondsPart() == 0 && d.toMinutesPart() == 0 && d.toHoursPart() == 0 && !d.isZero()
        ? "P" + d.toDays() + "D"
        : d.toString();
  }

  private static String percent(double share) {
    return Math.round(share * 1000) / 10.0 + "%";
  }
}
