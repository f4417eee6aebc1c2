package com.flowviz.dr.activities.postgres;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.storage.TableStats;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact row counts, newest {@code created_at} and column names of every user table: written into
 * the manifest at backup time (inside the dump's snapshot) and computed again on the restored
 * database, by this one piece of code, so the two compare exactly.
 */
public final class TableStatistics {
  private TableStatistics() {}

  public static List<TableStats> collect(Connection c) throws SQLException {
    List<String[]> tables = new ArrayList<>();
    List<List<String>> columnsOf = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT t.table_schema, t.table_name, (SELECT data_type FROM"
                    + " information_schema.columns col WHERE col.table_schema = t.table_schema  "
                    + " AND col.table_name = t.table_name AND col.column_name = 'created_at'),"
                    + " (SELECT array_agg(col.column_name::text ORDER BY col.ordinal_position) FROM"
                    + " information_schema.columns col   WHERE col.table_schema = t.table_schema"
                    + " AND col.table_name = t.table_name) FROM information_schema.tables t WHERE"
                    + " t.table_type = 'BASE TABLE' AND t.table_schema NOT IN ('pg_catalog',"
                    + " 'information_schema') ORDER BY t.table_schema, t.table_name")) {
      while (rs.next()) {
        tables.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        Array columns = rs.getArray(4);
        columnsOf.add(columns == null ? List.of() : List.of((String[]) columns.getArray()));
      }
    }
    List<TableStats> stats = new ArrayList<>();
    for (int i = 0; i < tables.size(); i++) {
      String[] table = tables.get(i);
      String qualified = PgClient.quote(table[0]) + "." + PgClient.quote(table[1]);
      String createdAtType = table[2];
      boolean hasCreatedAt = createdAtType != null && createdAtType.startsWith("timestamp");
      String sql =
          "SELECT count(*)" + (hasCreatedAt ? ", max(created_at)" : "") + " FROM " + qualified;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        Instant newest = null;
        if (hasCreatedAt) {
          newest =
              createdAtType.contains("with time zone")
                  ? toInstant(rs.getObject(2, OffsetDateTime.class))
                  : toInstant(rs.getObject(2, LocalDateTime.class));
        }
        stats.add(
            new TableStats(
                displayName(table[0], table[1]), rs.getLong(1), newest, columnsOf.get(i)));
      }
      Heartbeats.beat(stats.size());
    }
    return stats;
  }

  /** "lots" for public tables, "schema.table" otherwise. */
  public static String displayName(String schema, String table) {
    return "public".equals(schema) ? table : schema + "." + table;
  }

  private static Instant toInstant(OffsetDateTime value) {
    return value == null ? null : value.toInstant();
  }

  private static Instant toInstant(LocalDateTime value) {
    return value == null ? null : value.toInstant(ZoneOffset.UTC);
  }
}
