package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.core.type.TypeReference;
import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

/**
 * Puts deleted rows back: for every table, the keys the recovered database holds and the live one
 * lacks are found by a merge in the live transaction's snapshot; those rows are copied from the
 * recovered database into a temporary table on the live side and inserted where their key is still
 * free. Parents go before children, so foreign keys hold; everything commits at once, or nothing
 * does.
 */
final class SurgicalUndelete {

  static final String MARKER_PREFIX = "flowviz-dr undelete ";

  private SurgicalUndelete() {}

  static UndeleteOutcome run(
      PgClient pg, String liveDatabase, String recoveredDatabase, String operationId)
      throws SQLException {
    String marker = MARKER_PREFIX + operationId + " ";
    try (Connection live = pg.connect(liveDatabase);
        Connection recovered = pg.connect(recoveredDatabase)) {
      Map<String, Long> earlier = earlierRun(live, marker);
      if (earlier != null) {
        return new UndeleteOutcome(liveDatabase, earlier, true);
      }
      live.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      live.setAutoCommit(false);
      recovered.setReadOnly(false);
      recovered.setAutoCommit(false);
      try {
        TableCatalog liveTables = TableCatalog.read(live);
        TableCatalog recoveredTables = TableCatalog.read(recovered);
        Set<String> candidates = new LinkedHashSet<>();
        for (String name : recoveredTables.tables().keySet()) {
          TableCatalog.Table inLive = liveTables.tables().get(name);
          if (inLive == null) {
            if (hasRows(recovered, recoveredTables.tables().get(name))) {
              throw NonRetryable.failure(
                  FailureTypes.INVALID_INPUT,
                  "The table "
                      + name
                      + " is missing from the live database "
                      + liveDatabase
                      + "; a surgical undelete puts rows back but does not recreate tables. Choose"
                      + " the full restore instead. Nothing was changed.");
            }
            continue;
          }
          candidates.add(name);
        }
        Map<String, Long> inserted = new LinkedHashMap<>();
        for (String name : liveTables.parentsFirst(candidates)) {
          TableCatalog.Table inLive = liveTables.tables().get(name);
          TableCatalog.Table inBackup = recoveredTables.tables().get(name);
          if (!inBackup.hasPrimaryKey() || !inBackup.primaryKey().equals(inLive.primaryKey())) {
            continue; // without a shared key a deleted row cannot be told from a new one
          }
          long count = undeleteTable(live, recovered, inLive, inBackup);
          if (count > 0) {
            inserted.put(name, count);
          }
          Heartbeats.beat("undeleted " + inserted);
        }
        try (Statement s = live.createStatement()) {
          // In the same transaction as the rows: a retry that finds it knows the undelete
          // committed.
          s.execute(
              "COMMENT ON DATABASE "
                  + PgClient.quote(liveDatabase)
                  + " IS "
                  + literal(marker + Json.MAPPER.writeValueAsString(inserted)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        live.commit();
        recovered.rollback();
        return new UndeleteOutcome(liveDatabase, inserted, false);
      } catch (SQLException | RuntimeException e) {
        live.rollback();
        recovered.rollback();
        throw e;
      }
    }
  }

  private static long undeleteTable(
      Connection live, Connection recovered, TableCatalog.Table inLive, TableCatalog.Table inBackup)
      throws SQLException {
    List<String> columns = new ArrayList<>(inBackup.columns());
    columns.retainAll(inLive.columns());
    List<String> missing = new ArrayList<>();
    try (KeyedRows backupRows = KeyedRows.open(recovered, inBackup, inBackup.primaryKey());
        KeyedRows liveRows = KeyedRows.open(live, inLive, inLive.primaryKey())) {
      KeyedRows.merge(
          backupRows,
          liveRows,
          new KeyedRows.Visitor() {
            @Override
            public void onlyInFirst(String key) {
              missing.add(key);
            }

            @Override
            public void onlyInSecond(String key) {}

            @Override
            public void inBoth(String key, boolean sameContent) {}
          },
          () -> Heartbeats.beat("looking for deleted rows of " + inLive.displayName()));
    }
    if (missing.isEmpty()) {
      return 0;
    }
    try (Statement s = recovered.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE IF NOT EXISTS flowviz_dr_missing_keys (k text COLLATE \"C\" PRIMARY"
              + " KEY)");
      s.execute("TRUNCATE flowviz_dr_missing_keys");
    }
    CopyManager recoveredCopy = recovered.unwrap(PGConnection.class).getCopyAPI();
    try {
      recoveredCopy.copyIn(
          "COPY flowviz_dr_missing_keys (k) FROM STDIN (FORMAT csv)",
          new ByteArrayInputStream(csv(missing)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String staging = "flowviz_dr_undelete";
    try (Statement s = live.createStatement()) {
      s.execute("DROP TABLE IF EXISTS pg_temp." + staging);
    }
    String columnList = columns.stream().map(PgClient::quote).collect(Collectors.joining(", "));
    try (Statement s = live.createStatement()) {
      // The live table's types, none of its constraints: rows wait here until the key check.
      s.execute(
          "CREATE TEMP TABLE "
              + staging
              + " ON COMMIT DROP AS SELECT "
              + KeyedRows.quoted(columns, "t")
              + " FROM "
              + inLive.qualified()
              + " t WITH NO DATA");
    }
    CopyOut out =
        recoveredCopy.copyOut(
            "COPY (SELECT "
                + KeyedRows.quoted(columns, "t")
                + " FROM "
                + inBackup.qualified()
                + " t JOIN flowviz_dr_missing_keys m ON m.k = "
                + KeyedRows.keyExpression(inBackup)
                + ") TO STDOUT");
    CopyIn in =
        live.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn("COPY pg_temp." + staging + " (" + columnList + ") FROM STDIN");
    try {
      byte[] chunk;
      while ((chunk = out.readFromCopy()) != null) {
        in.writeToCopy(chunk, 0, chunk.length);
      }
      in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
      if (out.isActive()) {
        out.cancelCopy();
      }
    }
    String keyMatch =
        inLive.primaryKey().stream()
            .map(k -> "l." + PgClient.quote(k) + " = u." + PgClient.quote(k))
            .collect(Collectors.joining(" AND "));
    try (PreparedStatement s =
        live.prepareStatement(
            "INSERT INTO "
                + inLive.qualified()
                + " ("
                + columnList
                + ")"
                + (inLive.identityAlways() ? " OVERRIDING SYSTEM VALUE" : "")
                + " SELECT "
                + KeyedRows.quoted(columns, "u")
                + " FROM pg_temp."
                + staging
                + " u"
                + " WHERE NOT EXISTS (SELECT 1 FROM "
                + inLive.qualified()
                + " l WHERE "
                + keyMatch
                + ")")) {
      int count = s.executeUpdate();
      try (Statement drop = live.createStatement()) {
        drop.execute("DROP TABLE pg_temp." + staging);
      }
      return count;
    }
  }

  private static Map<String, Long> earlierRun(Connection live, String marker) throws SQLException {
    try (Statement s = live.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname ="
                    + " current_database()")) {
      rs.next();
      String comment = rs.getString(1);
      if (comment == null || !comment.startsWith(marker)) {
        return null;
      }
      return Json.MAPPER.readValue(
          comment.substring(marker.length()), new TypeReference<LinkedHashMap<String, Long>>() {});
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean hasRows(Connection c, TableCatalog.Table table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + table.qualified() + ")")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static byte[] csv(List<String> values) {
    StringBuilder text = new StringBuilder();
    for (String value : values) {
      text.append('"').append(value.replace("\"", "\"\"")).append("\"\n");
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
