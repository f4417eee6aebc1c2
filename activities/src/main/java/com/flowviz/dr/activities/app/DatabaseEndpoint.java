package com.flowviz.dr.activities.app;

/**
 * What the application needs to reach its database. Not a record: toString must not show the
 * password.
 */
public final class DatabaseEndpoint {
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;

  public DatabaseEndpoint(String host, int port, String database, String user, String password) {
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String database() {
    return database;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port + "/" + database;
  }
}
