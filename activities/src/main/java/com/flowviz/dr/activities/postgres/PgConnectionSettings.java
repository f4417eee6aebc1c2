package com.flowviz.dr.activities.postgres;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach a PostgreSQL server, the libpq way: PGHOST, PGPORT, PGUSER, and a password from
 * PGPASSWORD or a pgpass file (PGPASSFILE, else ~/.pgpass). The password is never printed and is
 * handed to pg tools only through their environment.
 */
public final class PgConnectionSettings {

  public static final String DEFAULT_HOST = "localhost";
  public static final int DEFAULT_PORT = 5432;
  public static final String DEFAULT_USER = "admin";

  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final Path passFile;

  /** Whose pgpass line holds the password: this endpoint's, or the source's for a copy. */
  private final String credentialsHost;

  private final int credentialsPort;

  public PgConnectionSettings(String host, int port, String user, String password, Path passFile) {
    this.host = host == null || host.isBlank() ? DEFAULT_HOST : host;
    this.port = port <= 0 ? DEFAULT_PORT : port;
    this.user = user == null || user.isBlank() ? DEFAULT_USER : user;
    this.password = password == null || password.isEmpty() ? null : password;
    this.passFile = passFile;
    this.credentialsHost = this.host;
    this.credentialsPort = this.port;
  }

  private PgConnectionSettings(PgConnectionSettings source, String copyHost, int copyPort) {
    this.host = copyHost;
    this.port = copyPort;
    this.user = source.user;
    this.password = source.password;
    this.passFile = source.passFile;
    this.credentialsHost = source.credentialsHost;
    this.credentialsPort = source.credentialsPort;
  }

  /**
   * A physical copy of this server at another endpoint (a point-in-time recovery): the same role
   * and the same password, which a pgpass file still finds under this server's host and port.
   */
  public PgConnectionSettings physicalCopyAt(String copyHost, int copyPort) {
    return new PgConnectionSettings(this, copyHost, copyPort);
  }

  /** From the libpq variables of the given environment, with the runbook's defaults. */
  public static PgConnectionSettings fromEnvironment(Map<String, String> env) {
    String port = env.get("PGPORT");
    int parsedPort;
    try {
      parsedPort = port == null || port.isBlank() ? DEFAULT_PORT : Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("PGPORT \"" + port + "\" is not a port number");
    }
    String passFile = env.get("PGPASSFILE");
    return new PgConnectionSettings(
        env.get("PGHOST"),
        parsedPort,
        env.get("PGUSER"),
        env.get("PGPASSWORD"),
        passFile == null || passFile.isBlank() ? null : Path.of(passFile));
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String user() {
    return user;
  }

  public Optional<Path> passFile() {
    return Optional.ofNullable(passFile);
  }

  /** The password for a database: PGPASSWORD, else the matching pgpass line, else none. */
  Optional<String> passwordFor(String database) {
    if (password != null) {
      return Optional.of(password);
    }
    return Optional.ofNullable(
        PgPass.lookup(passFile, credentialsHost, credentialsPort, database, user));
  }

  /**
   * The same for a tool connecting to {@code database}: for a physical copy whose password comes
   * from a pgpass line of its source, libpq would look for the copy's own host and port and find
   * none, so the password goes in PGPASSWORD.
   */
  public Map<String, String> toolEnvironment(String database) {
    Map<String, String> env = toolEnvironment();
    boolean copy = !credentialsHost.equals(host) || credentialsPort != port;
    if (copy && password == null) {
      passwordFor(database).ifPresent(p -> env.put("PGPASSWORD", p));
    }
    return env;
  }

  /** Variables for pg_dump, pg_restore and psql: connection settings, and the secret only here. */
  public Map<String, String> toolEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("PGHOST", host);
    env.put("PGPORT", Integer.toString(port));
    env.put("PGUSER", user);
    env.put("PGCONNECT_TIMEOUT", "10");
    env.put("PGPASSWORD", password);
    env.put("PGPASSFILE", passFile == null ? null : passFile.toString());
    return env;
  }

  public PgConnectionSettings withEndpoint(String newHost, int newPort) {
    return new PgConnectionSettings(newHost, newPort, user, password, passFile);
  }

  public PgConnectionSettings withCredentials(String newUser, String newPassword) {
    return new PgConnectionSettings(host, port, newUser, newPassword, passFile);
  }

  @Override
  public String toString() {
    return user
        + "@"
        + host
        + ":"
        + port
        + (password != null
            ? " (password set)"
            : passFile != null ? " (passfile " + passFile + ")" : "");
  }
}
