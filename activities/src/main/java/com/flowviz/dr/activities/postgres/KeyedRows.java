package com.flowviz.dr.activities.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A table's rows as (primary key, content hash), in an order two databases agree on: the key's text
 * under the "C" collation, which is code point order. Streamed with a cursor, so a merge of two
 * large tables holds two rows in memory, not two tables.
 */
final class KeyedRows implements AutoCloseable {

  private final Statement statement;
  private final ResultSet rows;
  private String key;
  private String hash;

  private KeyedRows(Statement statement, ResultSet rows) {
    this.statement = statement;
    this.rows = rows;
  }

  /** The connection must not be in autocommit mode: the cursor lives in its transaction. */
  static KeyedRows open(Connection c, TableCatalog.Table table, List<String> columns)
      throws SQLException {
    Statement s = c.createStatement();
    s.setFetchSize(5000);
    try {
      ResultSet rs =
          s.executeQuery(
              "SELECT "
                  + keyExpression(table)
                  + " AS k, md5(ROW("
                  + quoted(columns, "t")
                  + ")::text) FROM "
                  + table.qualified()
                  + " t ORDER BY 1");
      KeyedRows keyed = new KeyedRows(s, rs);
      keyed.advance();
      return keyed;
    } catch (SQLException e) {
      s.close();
      throw e;
    }
  }

  /** The key as text in the "C" collation; the same expression finds a row by its key. */
  static String keyExpression(TableCatalog.Table table) {
    return "(ROW(" + quoted(table.primaryKey(), "t") + ")::text COLLATE \"C\")";
  }

  static String quoted(List<String> columns, String alias) {
    return columns.stream()
        .map(c -> alias + "." + PgClient.quote(c))
        .collect(Collectors.joining(", "));
  }

  boolean exhausted() {
    return key == null;
  }

  String key() {
    return key;
  }

  String hash() {
    return hash;
  }

  void advance() throws SQLException {
    if (rows.next()) {
      key = rows.getString(1);
      hash = rows.getString(2);
    } else {
      key = null;
      hash = null;
    }
  }

  /** Code point order, which is the byte order of UTF-8 and so the order of the "C" collation. */
  static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  @Override
  public void close() throws SQLException {
    try {
      rows.close();
    } finally {
      statement.close();
    }
  }

  /** What a merge of two keyed row streams finds. */
  interface Visitor {
    void onlyInFirst(String key) throws SQLException;

    void onlyInSecond(String key) throws SQLException;

    void inBoth(String key, boolean sameContent) throws SQLException;
  }

  /** Walks both streams once, in key order. */
  static void merge(KeyedRows first, KeyedRows second, Visitor visitor, Runnable progress)
      throws SQLException {
    long steps = 0;
    while (!first.exhausted() || !second.exhausted()) {
      int order =
          first.exhausted() ? 1 : second.exhausted() ? -1 : compare(first.key(), second.key());
      if (order < 0) {
        visitor.onlyInFirst(first.key());
        first.advance();
      } else if (order > 0) {
        visitor.onlyInSecond(second.key());
        second.advance();
      } else {
        visitor.inBoth(first.key(), first.hash().equals(second.hash()));
        first.advance();
        second.advance();
      }
      if (++steps % 50_000 == 0) {
        progress.run();
      }
    }
  }
}
