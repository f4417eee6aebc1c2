package com.flowviz.dr.activities.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The user tables of a database, their primary keys, columns and foreign keys. */
final class TableCatalog {

  /**
   * @param columns ordinary columns (not generated), in table order
   * @param identityAlways has a GENERATED ALWAYS identity column, so inserts need OVERRIDING SYSTEM
   *     VALUE
   */
  record Table(
      String schema,
      String name,
      List<String> primaryKey,
      List<String> columns,
      boolean identityAlways) {

    String displayName() {
      return TableStatistics.displayName(schema, name);
    }

    String qualified() {
      return PgClient.quote(schema) + "." + PgClient.quote(name);
    }

    boolean hasPrimaryKey() {
      return !primaryKey.isEmpty();
    }
  }

  private final Map<String, Table> tables;
  private final Map<String, Set<String>> parents;

  private TableCatalog(Map<String, Table> tables, Map<String, Set<String>> parents) {
    this.tables = tables;
    this.parents = parents;
  }

  static TableCatalog read(Connection c) throws SQLException {
    Map<String, Table> tables = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
                SELECT c.oid, n.nspname, c.relname,
                  coalesce((SELECT array_agg(a.attname::text ORDER BY array_position(i.indkey::int2[], a.attnum))
                              FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                             WHERE i.indrelid = c.oid AND i.indisprimary), '{}') AS pk,
                  (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS cols,
                  EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attidentity = 'a' AND NOT a.attisdropped) AS identity_always
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                ORDER BY n.nspname, c.relname
                """)) {
      while (rs.next()) {
        Table table =
            new Table(
                rs.getString(2),
                rs.getString(3),
                strings(rs.getArray(4)),
                strings(rs.getArray(5)),
                rs.getBoolean(6));
        tables.put(table.displayName(), table);
      }
    }
    Map<String, Set<String>> parents = new LinkedHashMap<>();
    try (PreparedStatement s =
            c.prepareStatement(
                """
                SELECT cn.nspname, cc.relname, pn.nspname, pc.relname
                FROM pg_constraint k
                JOIN pg_class cc ON cc.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace
                JOIN pg_class pc ON pc.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                WHERE k.contype = 'f'
                """);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        String child = TableStatistics.displayName(rs.getString(1), rs.getString(2));
        String parent = TableStatistics.displayName(rs.getString(3), rs.getString(4));
        if (!child.equals(parent)) {
          parents.computeIfAbsent(child, k -> new LinkedHashSet<>()).add(parent);
        }
      }
    }
    return new TableCatalog(tables, parents);
  }

  Map<String, Table> tables() {
    return tables;
  }

  /**
   * The given tables ordered so that every table comes after the tables it references. A cycle of
   * references (rare; it needs deferrable constraints) keeps the remaining tables in name order.
   */
  List<String> parentsFirst(Set<String> names) {
    List<String> ordered = new ArrayList<>();
    Set<String> placed = new LinkedHashSet<>();
    Set<String> remaining = new LinkedHashSet<>(names.stream().sorted().toList());
    while (!remaining.isEmpty()) {
      String next = null;
      for (String name : remaining) {
        Set<String> needs = parents.getOrDefault(name, Set.of());
        if (needs.stream().noneMatch(p -> remaining.contains(p) && !placed.contains(p))) {
          next = name;
          break;
        }
      }
      if (next == null) {
        next = remaining.iterator().next();
      }
      ordered.add(next);
      placed.add(next);
      remaining.remove(next);
    }
    return ordered;
  }

  private static List<String> strings(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    return List.copyOf(Arrays.asList((String[]) array.getArray()));
  }
}
