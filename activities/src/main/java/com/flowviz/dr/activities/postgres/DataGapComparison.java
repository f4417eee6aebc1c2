package com.flowviz.dr.activities.postgres;

import com.flowviz.dr.activities.common.Heartbeats;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Compares a recovered database with the live one, table by table, by primary key. */
final class DataGapComparison {

  private static final int SAMPLE_KEYS = 5;

  private DataGapComparison() {}

  static DataGap compare(PgClient pg, String liveDatabase, String recoveredDatabase)
      throws SQLException {
    try (Connection live = pg.connect(liveDatabase);
        Connection recovered = pg.connect(recoveredDatabase)) {
      // One snapshot per side, so every table is compared as of the same moment.
      live.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      live.setReadOnly(true);
      live.setAutoCommit(false);
      recovered.setReadOnly(true);
      recovered.setAutoCommit(false);
      TableCatalog liveTables = TableCatalog.read(live);
      TableCatalog recoveredTables = TableCatalog.read(recovered);
      TreeSet<String> names = new TreeSet<>(recoveredTables.tables().keySet());
      names.addAll(liveTables.tables().keySet());
      List<TableGap> gaps = new ArrayList<>();
      for (String name : names) {
        TableCatalog.Table inBackup = recoveredTables.tables().get(name);
        TableCatalog.Table inLive = liveTables.tables().get(name);
        Heartbeats.beat("comparing " + name);
        gaps.add(compareTable(live, recovered, name, inBackup, inLive));
      }
      live.commit();
      recovered.commit();
      return new DataGap(liveDatabase, recoveredDatabase, gaps);
    }
  }

  private static TableGap compareTable(
      Connection live,
      Connection recovered,
      String name,
      TableCatalog.Table inBackup,
      TableCatalog.Table inLive)
      throws SQLException {
    if (inLive == null) {
      long rows = count(recovered, inBackup);
      return new TableGap(
          name,
          inBackup.primaryKey(),
          rows,
          0,
          rows,
          0,
          0,
          List.of("(the table is missing from the live database)"),
          true);
    }
    if (inBackup == null) {
      long rows = count(live, inLive);
      return new TableGap(name, inLive.primaryKey(), 0, rows, 0, rows, 0, List.of(), true);
    }
    if (!inBackup.hasPrimaryKey() || !inBackup.primaryKey().equals(inLive.primaryKey())) {
      return new TableGap(
          name,
          inLive.primaryKey(),
          count(recovered, inBackup),
          count(live, inLive),
          0,
          0,
          0,
          List.of(),
          false);
    }
    List<String> common = new ArrayList<>(inBackup.columns());
    common.retainAll(inLive.columns());
    long[] counts = new long[5]; // backup rows, live rows, missing, new, changed
    List<String> samples = new ArrayList<>();
    try (KeyedRows backupRows = KeyedRows.open(recovered, inBackup, common);
        KeyedRows liveRows = KeyedRows.open(live, inLive, common)) {
      KeyedRows.merge(
          backupRows,
          liveRows,
          new KeyedRows.Visitor() {
            @Override
            public void onlyInFirst(String key) {
              counts[0]++;
              counts[2]++;
              if (samples.size() < SAMPLE_KEYS) {
                samples.add(key);
              }
            }

            @Override
            public void onlyInSecond(String key) {
              counts[1]++;
              counts[3]++;
            }

            @Override
            public void inBoth(String key, boolean sameContent) {
              counts[0]++;
              counts[1]++;
              if (!sameContent) {
                counts[4]++;
              }
            }
          },
          () -> Heartbeats.beat("comparing " + name + ": " + counts[0] + " rows of the backup"));
    }
    return new TableGap(
        name,
        inBackup.primaryKey(),
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        counts[4],
        samples,
        true);
  }

  private static long count(Connection c, TableCatalog.Table table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.qualified())) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
