package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.testing.RequiredTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A private PostgreSQL cluster of one test class, configured as a test needs it (wal_level,
 * archive_mode, archive_command) with ALTER SYSTEM and a restart, and a WAL archive directory of
 * its own. Until the WAL archive command exists, {@link #copyArchiveCommand()} is PostgreSQL's
 * documented example: copy the segment unless one of that name is already there.
 */
public final class ArchivingPostgres implements AutoCloseable {

  public static final String SUPERUSER = "admin";

  private final Path home;
  private final Path archive;
  private final String password = "pw-" + UUID.randomUUID();
  private LocalPostgresCluster cluster;

  private ArchivingPostgres(Path home) {
    this.home = home;
    this.archive = home.resolve("wal-archive");
  }

  /** wal_level=replica, archive_mode=on, the copy command into this cluster's archive. */
  public static ArchivingPostgres startArchiving(String name) {
    return start(name, pg -> archiving(pg.archive));
  }

  public static ArchivingPostgres start(
      String name, Function<ArchivingPostgres, Map<String, String>> settings) {
    RequiredTools.find("setpriv");
    try {
      Path home = Files.createTempDirectory(Path.of("/tmp"), "flowviz-dr-" + name + "-");
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
      ArchivingPostgres pg = new ArchivingPostgres(home);
      Files.createDirectories(pg.archive);
      giveToServerUser(pg.archive);
      pg.cluster =
          LocalPostgresCluster.start(
              home.resolve("cluster"), 0, SUPERUSER, pg.password, PgBinaries.locate(null));
      pg.reconfigure(settings.apply(pg));
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, String> archiving(Path archive) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("wal_level", "replica");
    settings.put("archive_mode", "on");
    settings.put("archive_command", copyArchiveCommand(archive));
    return settings;
  }

  public static String copyArchiveCommand(Path archive) {
    return "test ! -f " + archive + "/%f && cp %p " + archive + "/%f";
  }

  public Path archive() {
    return archive;
  }

  public Path home() {
    return home;
  }

  public int port() {
    return cluster.port();
  }

  public String password() {
    return password;
  }

  /** ALTER SYSTEM for each setting (an empty value: RESET), then a restart. */
  public void reconfigure(Map<String, String> settings) {
    List<String> statements = new ArrayList<>();
    settings.forEach(
        (name, value) ->
            statements.add(
                value == null
                    ? "ALTER SYSTEM RESET " + name
                    : "ALTER SYSTEM SET " + name + " = '" + value.replace("'", "''") + "'"));
    execute("postgres", statements.toArray(String[]::new));
    int port = cluster.port();
    cluster.stop();
    cluster =
        LocalPostgresCluster.start(
            home.resolve("cluster"), port, SUPERUSER, password, PgBinaries.locate(null));
  }

  public PgConnectionSettings settings() {
    return cluster.settings();
  }

  public PgClient client() {
    return new PgClient(settings());
  }

  public Path dataDirectory() {
    return cluster.dataDirectory();
  }

  public void execute(String database, String... statements) {
    try (Connection c = client().connect(database);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public List<String> query(String database, String sql) {
    return query(client(), database, sql);
  }

  static List<String> query(PgClient client, String database, String sql) {
    try (Connection c = client.connect(database);
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

  /** As root the server runs as postgres, which must be able to write what it is given. */
  static void giveToServerUser(Path path) throws IOException {
    if (!"root".equals(System.getProperty("user.name"))) {
      return;
    }
    UserPrincipal postgres =
        path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
    Files.setOwner(path, postgres);
  }

  /** Waits until the archive_command has copied this WAL file into the archive. */
  public void awaitArchived(String walFile) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    // The file appears when cp starts writing it; the archiver's statistics say when the command
    // succeeded (and the file is whole).
    while (!Files.exists(archive.resolve(walFile))
        || !"archived"
            .equals(
                query(
                        "postgres",
                        "SELECT CASE WHEN last_archived_wal >= '"
                            + walFile
                            + "' THEN 'archived' ELSE 'not yet' END FROM pg_stat_archiver")
                    .get(0))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(walFile + " was not archived within 60 s");
      }
      Thread.sleep(100);
    }
  }

  /** Starts the server again on its data directory and port (after a stop or a crash). */
  public void startAgain() {
    cluster =
        LocalPostgresCluster.start(
            home.resolve("cluster"), cluster.port(), SUPERUSER, password, PgBinaries.locate(null));
  }

  /** Stops the server (pg_ctl stop), leaving its data directory: the outage itself. */
  public void stop() {
    cluster.stop();
  }

  @Override
  public void close() {
    LocalPostgresCluster.existing(home.resolve("cluster"), PgBinaries.locate(null)).stop();
    try (var paths = Files.walk(home)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory
    }
  }
}
