package com.flowviz.dr.activities.verify;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.TableStatistics;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.TableStats;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runbook 5.1 and 5.2 on a restored database, judged against the source rather than the runbook's
 * literal SQL. The rule: what the source had (the manifest's tables, their rows and columns) and
 * the restore lacks fails the verification; what the runbook's SQL names but neither has (the
 * application's schema moved on: {@code lots.updated_at} renamed, say) is adapted or skipped and
 * written down as a finding. No query here names a table or column it has not first seen in the
 * restored catalog, so a drifted schema never turns into an error that a retry would meet again.
 */
final class RestoredDatabaseCheck {

  /** The tables runbook 5.1 counts: a restore without them is not FlowViz. */
  static final List<String> RUNBOOK_TABLES = List.of("lots", "qc_decisions", "users", "products");

  /**
   * Runbook 5.2's newest-lots query: {@code SELECT lot_code, created_at, updated_at FROM lots ORDER
   * BY created_at DESC LIMIT 10}.
   */
  private static final List<String> LOT_COLUMNS = List.of("lot_code", "created_at", "updated_at");

  private final String database;
  private final BackupManifest manifest;
  private final Map<String, TableStats> source;
  private final List<VerificationCheck> checks = new ArrayList<>();
  private final List<String> findings = new ArrayList<>();

  private RestoredDatabaseCheck(String database, BackupManifest manifest) {
    this.database = database;
    this.manifest = manifest;
    this.source =
        manifest == null || manifest.tables() == null
            ? Map.of()
            : manifest.tables().stream()
                .collect(
                    Collectors.toMap(
                        TableStats::table, Function.identity(), (a, b) -> a, LinkedHashMap::new));
  }

  static VerificationReport run(Connection c, String database, BackupManifest manifest)
      throws SQLException {
    return new RestoredDatabaseCheck(database, manifest).run(c);
  }

  private VerificationReport run(Connection c) throws SQLException {
    requireEveryTableReadable(c);
    List<TableStats> restoredTables =
        keepAlive("counting rows of " + database, () -> TableStatistics.collect(c));
    Map<String, TableStats> restored =
        restoredTables.stream()
            .collect(
                Collectors.toMap(
                    TableStats::table, Function.identity(), (a, b) -> a, LinkedHashMap::new));

    checkRunbookTables(restored);
    if (manifest != null) {
      checkAgainstSource(restored);
    }
    List<LotSample> latestLots =
        restored.containsKey("lots") ? latestLots(c, restored.get("lots")) : List.of();
    Map<String, Long> qcByType =
        restored.containsKey("qc_decisions")
            ? qcDecisionsByType(c, restored.get("qc_decisions"))
            : Map.of();

    List<TableCount> counts = new ArrayList<>();
    for (TableStats found : restoredTables) {
      Optional<TableStats> expected = Optional.ofNullable(source.get(found.table()));
      counts.add(
          new TableCount(
              found.table(),
              found.rows(),
              expected.map(TableStats::rows).orElse(null),
              found.newestCreatedAt(),
              expected.map(TableStats::newestCreatedAt).orElse(null)));
    }
    boolean passed = checks.stream().allMatch(VerificationCheck::passed);
    return new VerificationReport(
        database, passed, manifest != null, checks, counts, latestLots, qcByType, findings);
  }

  /**
   * information_schema shows a role only the tables it has some privilege on: a verification by a
   * role that may not read a table would report it "missing". Reading such a table instead makes
   * the server say what is wrong (42501), which cannot heal by retrying.
   */
  private static void requireEveryTableReadable(Connection c) throws SQLException {
    String unreadable = null;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
                    + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT"
                    + " LIKE 'pg\\_%' AND NOT has_table_privilege(c.oid, 'SELECT') ORDER BY 1 LIMIT"
                    + " 1")) {
      if (rs.next()) {
        unreadable = rs.getString(1);
      }
    }
    if (unreadable != null) {
      try (Statement s = c.createStatement()) {
        s.executeQuery("SELECT 1 FROM " + unreadable + " LIMIT 0").close();
      }
    }
  }

  private void checkRunbookTables(Map<String, TableStats> restored) {
    for (String table : RUNBOOK_TABLES) {
      if (restored.containsKey(table)) {
        checks.add(present("table " + table + " present", true));
      } else if (manifest == null) {
        // Without a manifest the runbook's list is all that is known of the source.
        checks.add(present("table " + table + " present", false));
      } else if (!source.containsKey(table)) {
        findings.add(
            "Runbook 5.1 counts table "
                + table
                + ", which neither the backup's source nor the restore has: the"
                + " application's schema no longer has it, so that count is skipped.");
      }
      // In the source but not restored: failed below, once, with the source's tables.
    }
  }

  private void checkAgainstSource(Map<String, TableStats> restored) {
    for (TableStats expected : source.values()) {
      TableStats found = restored.get(expected.table());
      if (found == null) {
        checks.add(present("table " + expected.table() + " present", false));
        continue;
      }
      if (expected.columns() != null) {
        for (String column : expected.columns()) {
          if (!found.hasColumn(column)) {
            checks.add(present("column " + expected.table() + "." + column + " present", false));
          }
        }
      }
      checks.add(
          new VerificationCheck(
              "row count " + expected.table(),
              found.rows() == expected.rows(),
              Long.toString(expected.rows()),
              Long.toString(found.rows())));
      checks.add(
          new VerificationCheck(
              "newest created_at " + expected.table(),
              Objects.equals(found.newestCreatedAt(), expected.newestCreatedAt()),
              String.valueOf(expected.newestCreatedAt()),
              String.valueOf(found.newestCreatedAt())));
    }
  }

  /** Runbook 5.2: the ten newest lots, with NULL for a column the application no longer has. */
  private List<LotSample> latestLots(Connection c, TableStats lots) throws SQLException {
    List<String> select = new ArrayList<>();
    for (String column : LOT_COLUMNS) {
      if (lots.hasColumn(column)) {
        select.add(PgClient.quote(column));
      } else {
        select.add("NULL");
        noteMissingColumn("lots", column, "5.2's newest lots are listed without it");
      }
    }
    String order = lots.hasColumn("created_at") ? " ORDER BY created_at DESC" : "";
    List<LotSample> sample = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT " + String.join(", ", select) + " FROM lots" + order + " LIMIT 10")) {
      while (rs.next()) {
        sample.add(
            new LotSample(rs.getString(1), instant(rs.getObject(2)), instant(rs.getObject(3))));
      }
    }
    return sample;
  }

  /** Runbook 5.2: QC decisions per type; skipped when the application has no decision_type. */
  private Map<String, Long> qcDecisionsByType(Connection c, TableStats qcDecisions)
      throws SQLException {
    if (!qcDecisions.hasColumn("decision_type")) {
      noteMissingColumn(
          "qc_decisions", "decision_type", "5.2's QC decisions per type are not counted");
      return Map.of();
    }
    Map<String, Long> byType = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT decision_type, COUNT(*) FROM qc_decisions GROUP BY decision_type ORDER BY"
                    + " decision_type")) {
      while (rs.next()) {
        byType.put(String.valueOf(rs.getString(1)), rs.getLong(2));
      }
    }
    return byType;
  }

  /**
   * A column the runbook's SQL names and the restore lacks. When the source had it, the source
   * comparison has already failed the verification; otherwise it is a finding.
   */
  private void noteMissingColumn(String table, String column, String consequence) {
    TableStats expected = source.get(table);
    if (expected != null && expected.hasColumn(column)) {
      return;
    }
    String why =
        expected != null && expected.columns() != null
            ? "neither the backup's source nor the restore has it (the application's schema"
                + " changed)"
            : "the restore lacks it and "
                + (manifest == null ? "there is no manifest" : "the manifest does not list columns")
                + " to say whether the source had it";
    findings.add(
        "The runbook's SQL names "
            + table
            + "."
            + column
            + ", but "
            + why
            + ": "
            + consequence
            + ".");
  }

  private static VerificationCheck present(String name, boolean present) {
    return new VerificationCheck(name, present, "present", present ? "present" : "missing");
  }

  private static Instant instant(Object value) {
    if (value instanceof Timestamp t) {
      return t.toInstant();
    }
    if (value instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    return null;
  }

  private static <T> T keepAlive(String what, Callable<T> call) throws SQLException {
    try {
      return Heartbeats.keepAlive(what, call);
    } catch (SQLException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
