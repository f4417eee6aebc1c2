package com.flowviz.dr.activities.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** JDBC connections to one PostgreSQL server. */
public final class PgClient {

  private final PgConnectionSettings settings;

  public PgClient(PgConnectionSettings settings) {
    this.settings = settings;
  }

  public PgConnectionSettings settings() {
    return settings;
  }

  public Connection connect(String database) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", settings.user());
    settings.passwordFor(database).ifPresent(p -> properties.setProperty("password", p));
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("ApplicationName", "flowviz-dr");
    return DriverManager.getConnection(
        "jdbc:postgresql://" + settings.host() + ":" + settings.port() + "/" + database,
        properties);
  }

  /** The maintenance database, for CREATE/DROP/ALTER DATABASE. */
  public Connection connectMaintenance() throws SQLException {
    return connect("postgres");
  }

  /**
   * Double-quoted identifier. Names are validated before they get here; quoting is the second
   * fence.
   */
  public static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
