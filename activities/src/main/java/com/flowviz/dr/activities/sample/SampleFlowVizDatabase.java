package com.flowviz.dr.activities.sample;

import com.flowviz.dr.activities.postgres.PgClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * A generated FlowViz database: products, users, lots, QC decisions, temperature logs and user
 * audit logs, with realistic HACCP data. Size scales with the number of lots (about 1.5 QC
 * decisions, 20 temperature readings and 3 audit-log rows per lot); the same lot count and anchor
 * give the same rows.
 */
public final class SampleFlowVizDatabase {
  private SampleFlowVizDatabase() {}

  /** Creates the database and fills it. Fails if it exists. */
  public static void create(PgClient pg, String database, int lots, Instant anchor)
      throws SQLException {
    if (lots < 1) {
      throw new IllegalArgumentException("lots must be at least 1");
    }
    try (Connection c = pg.connectMaintenance();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + PgClient.quote(database));
    }
    try (Connection c = pg.connect(database);
        Statement s = c.createStatement()) {
      s.execute(resource("sample/flowviz-schema.sql"));
      s.execute(
          resource("sample/flowviz-data.sql")
              .replace(":lots", Integer.toString(lots))
              .replace(":anchor", "'" + anchor + "'"));
    }
  }

  private static String resource(String name) {
    try (InputStream in = SampleFlowVizDatabase.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
