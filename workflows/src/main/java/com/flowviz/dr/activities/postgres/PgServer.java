package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A PostgreSQL server other than the worker's own (a new instance, the DR region's): where it is
 * and the name of the secret that holds its password, never the password itself. Activities take
 * a null server to mean the worker's configured server (PGHOST, PGPORT, PGUSER, ...).
 *
 * @param passwordSecret name in the worker's secret store (Secrets Manager), or null to use the
 *     worker's PGPASSWORD / pgpass file
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PgServer(String host, int port, String user, String passwordSecret) {

  public String describe() {
    return user + "@" + host + ":" + port;
  }
}
