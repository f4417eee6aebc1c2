package com.flowviz.dr.activities.testing;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.sample.SampleFlowVizDatabase;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.secrets.SecretStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One private PostgreSQL cluster per test JVM, started on first use and removed when the JVM exits.
 * Each test takes databases of its own ({@link #newDatabaseName}).
 */
public final class TestPostgres {

  public static final String SUPERUSER = "admin";
  private static LocalPostgresCluster cluster;
  private static final String PASSWORD = "pw-" + UUID.randomUUID();

  private TestPostgres() {}

  public static synchronized LocalPostgresCluster cluster() {
    if (cluster == null) {
      RequiredTools.find("setpriv");
      try {
        Path home = Files.createTempDirectory(Path.of("/tmp"), "flowviz-dr-test-pg-");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
          cluster =
              LocalPostgresCluster.start(home, 0, SUPERUSER, PASSWORD, PgBinaries.locate(null));
        } catch (RuntimeException e) {
          try (var paths = Files.walk(home)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          }
          throw e;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      LocalPostgresCluster started = cluster;
      Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
    }
    return cluster;
  }

  public static PgConnectionSettings settings() {
    return cluster().settings();
  }

  public static PgClient client() {
    return new PgClient(settings());
  }

  /**
   * The test cluster as the worker's own server; other servers' passwords come from a local secret
   * store.
   */
  public static PgServers servers() {
    return servers(
        new LocalSecretStore(
            Path.of(System.getProperty("java.io.tmpdir"), "flowviz-dr-test-secrets")));
  }

  public static PgServers servers(SecretStore secrets) {
    return new PgServers(client(), secrets);
  }

  /** The superuser's password, for tests that must look for it in places it must not be. */
  public static String password() {
    cluster();
    return PASSWORD;
  }

  public static String newDatabaseName(String prefix) {
    return (prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10))
        .toLowerCase();
  }

  public static boolean databaseExists(String name) {
    return !query("postgres", "SELECT datname FROM pg_database WHERE datname = '" + name + "'")
        .isEmpty();
  }

  public static List<String> databasesLike(String pattern) {
    return query(
        "postgres",
        "SELECT datname FROM pg_database WHERE datname LIKE '" + pattern + "' ORDER BY datname");
  }

  /** First column of every row. */
  public static List<String> query(String database, String sql) {
    try (Connection c = client().connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      return values;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void execute(String database, String... statements) {
    try (Connection c = client().connect(database);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A fingerprint of every table's content: row count and an order-independent hash of all rows.
   * Two databases with equal fingerprints hold the same data row for row.
   */
  public static Map<String, String> fingerprint(String database) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String table :
        query(
            database,
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
      String row =
          query(
                  database,
                  "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY"
                      + " md5(t::text))), '-') FROM "
                      + PgClient.quote(table)
                      + " t")
              .get(0);
      result.put(table, row);
    }
    return result;
  }

  /** A new FlowViz sample database of the given size. */
  public static String newSampleDatabase(String prefix, int lots) {
    String name = newDatabaseName(prefix);
    try {
      SampleFlowVizDatabase.create(client(), name, lots, Instant.parse("2026-11-01T00:00:00Z"));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return name;
  }

  /** {@code pg_dump -Fc} of a database into a file, the password passed through the environment. */
  public static Path pgDump(String database, Path file) {
    String pgDump = PgBinaries.locate(null).program("pg_dump");
    ChildProcess.run(
        List.of(pgDump, "--format=custom", "--file=" + file, "--dbname=" + database),
        settings().toolEnvironment(),
        Duration.ofMinutes(10),
        null);
    return file;
  }
}
