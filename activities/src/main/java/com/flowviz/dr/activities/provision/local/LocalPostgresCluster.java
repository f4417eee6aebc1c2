package com.flowviz.dr.activities.provision.local;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.process.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A private PostgreSQL cluster on this machine, made with initdb and run with pg_ctl on a loopback
 * port: what the demo, the tests and the "local" provisioner use. PostgreSQL refuses to run as
 * root, so when this process is root the server programs run as the {@code postgres} user.
 */
public final class LocalPostgresCluster implements AutoCloseable {

  private static final String SERVER_USER = "postgres";

  private final Path home;
  private final int port;
  private final String superuser;
  private final String password;
  private final PgBinaries binaries;

  private LocalPostgresCluster(
      Path home, int port, String superuser, String password, PgBinaries binaries) {
    this.home = home;
    this.port = port;
    this.superuser = superuser;
    this.password = password;
    this.binaries = binaries;
  }

  /**
   * Creates the cluster under {@code home} if it does not exist yet, and starts it.
   *
   * @param port 0 for a free port
   * @param password the superuser's password; handed to initdb in a file, never as an argument
   */
  public static LocalPostgresCluster start(
      Path home, int port, String superuser, String password, PgBinaries binaries) {
    LocalPostgresCluster cluster =
        new LocalPostgresCluster(
            home.toAbsolutePath(), port == 0 ? freePort() : port, superuser, password, binaries);
    cluster.initIfNeeded();
    cluster.startServer();
    return cluster;
  }

  /**
   * Turns archiving off in a data directory restored from a physical base backup, before it first
   * starts: the backup carries the source's postgresql.auto.conf, archive_command included, and a
   * restored cluster has the source's system identifier, so it would push into the source's WAL
   * prefix. The last setting in the file wins; archiving is turned on again only if asked for.
   */
  public static void withoutArchiving(Path dataDirectory) {
    try {
      Files.writeString(
          dataDirectory.resolve("postgresql.auto.conf"),
          "# flowviz-dr: a restored instance does not archive unless asked\n"
              + "archive_mode = off\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot turn archiving off in " + dataDirectory + ": " + e.getMessage(), e);
    }
  }

  /** A handle on a cluster that may or may not run, to stop or remove it. */
  public static LocalPostgresCluster existing(Path home, PgBinaries binaries) {
    return new LocalPostgresCluster(home.toAbsolutePath(), 0, "admin", "", binaries);
  }

  public int port() {
    return port;
  }

  public Path home() {
    return home;
  }

  public Path dataDirectory() {
    return home.resolve("data");
  }

  /** How to reach it: 127.0.0.1, the port, the superuser and its password. */
  public PgConnectionSettings settings() {
    return new PgConnectionSettings("127.0.0.1", port, superuser, password, null);
  }

  public boolean isRunning() {
    try {
      ChildProcess.run(
          asServerUser(
              List.of(binaries.program("pg_ctl"), "-D", dataDirectory().toString(), "status")),
          Map.of(),
          Duration.ofSeconds(30),
          null);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Stops the server (fast shutdown); the data stays. */
  public void stop() {
    if (!Files.isDirectory(dataDirectory())) {
      return;
    }
    try {
      ChildProcess.run(
          asServerUser(
              List.of(
                  binaries.program("pg_ctl"),
                  "-D",
                  dataDirectory().toString(),
                  "-m",
                  "fast",
                  "-w",
                  "stop")),
          Map.of(),
          Duration.ofMinutes(2),
          null);
    } catch (RuntimeException e) {
      // already stopped
    }
  }

  /** Stops the server and removes its files. */
  public void destroy() {
    stop();
    try {
      deleteTree(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void initIfNeeded() {
    if (Files.isRegularFile(dataDirectory().resolve("PG_VERSION"))) {
      return;
    }
    // initdb writes into data.init, renamed to data when complete: a killed initdb leaves no
    // half-made cluster behind, only a data.init the next attempt removes.
    Path staging = home.resolve("data.init");
    try {
      Files.createDirectories(home);
      checkReachableByServerUser(home);
      deleteTree(staging);
      Path pwfile = home.resolve("initdb.pw");
      Files.deleteIfExists(pwfile);
      Files.createFile(
          pwfile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
      handToServerUser(home);
      try {
        ChildProcess.run(
            asServerUser(
                List.of(
                    binaries.program("initdb"),
                    "--pgdata=" + staging,
                    "--username=" + superuser,
                    "--pwfile=" + pwfile,
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync")),
            Map.of("LC_ALL", "C.UTF-8"),
            Duration.ofMinutes(5),
            null);
      } finally {
        Files.deleteIfExists(pwfile);
      }
      Files.writeString(
          staging.resolve("postgresql.auto.conf"),
          String.join(
                  "\n",
                  "listen_addresses = '127.0.0.1'",
                  "unix_socket_directories = '" + home + "'",
                  "max_connections = 200",
                  "fsync = off",
                  "synchronous_commit = off",
                  "full_page_writes = off",
                  "shared_buffers = '256MB'",
                  "max_wal_size = '2GB'",
                  // Scratch and restored instances never archive unless asked (issue 17): a
                  // copy of the production archive_command would push into its WAL prefix.
                  // Said explicitly so an included or inherited setting cannot turn it on; an
                  // instance that is to archive sets it with ALTER SYSTEM, which replaces this.
                  "archive_mode = off",
                  "log_min_messages = warning")
              + "\n",
          StandardCharsets.UTF_8);
      handToServerUser(staging.resolve("postgresql.auto.conf"));
      Files.move(staging, dataDirectory(), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create a PostgreSQL cluster in " + home + ": " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void startServer() {
    if (isRunning()) {
      return;
    }
    // The server outlives this wait: interrupted (a worker stopping), only pg_ctl is ended.
    ChildProcess.runLauncher(
        asServerUser(
            List.of(
                binaries.program("pg_ctl"),
                "-D",
                dataDirectory().toString(),
                "-o",
                "-p " + port,
                "-l",
                home.resolve("server.log").toString(),
                "-w",
                "-t",
                "120",
                "start")),
        Map.of(),
        Duration.ofMinutes(3),
        null);
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The command as the server user when this process is root (PostgreSQL refuses root). */
  public static List<String> asServerUser(List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> wrapped =
        new ArrayList<>(
            List.of(
                "setpriv", "--reuid=" + SERVER_USER, "--regid=" + SERVER_USER, "--clear-groups"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** chown -R to the server user when this process is root. */
  public static void handToServerUser(Path path) throws IOException {
    if (!isRoot()) {
      return;
    }
    ChildProcess.run(
        List.of("chown", "-R", SERVER_USER + ":" + SERVER_USER, path.toString()),
        Map.of(),
        Duration.ofMinutes(1),
        null);
  }

  /** As root, the server runs as postgres, which must be able to reach its directory from /. */
  private static void checkReachableByServerUser(Path home) throws IOException {
    if (!isRoot()) {
      return;
    }
    for (Path p = home.getParent(); p != null; p = p.getParent()) {
      if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IOException(
            p
                + " is not traversable by the postgres user; place the cluster elsewhere (e.g."
                + " under /tmp or /var/lib)");
      }
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
