package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A PostgreSQL server other than the worker's own (a new instance, the DR region's). In a workflow
 * input it is named, never located: {@code {"name": "instance:scratch-1"}}; the worker's server
 * registry decides where it is and which secret holds its password. Activities take a null server
 * to mean the worker's configured server (PGHOST, PGPORT, PGUSER, ...).
 *
 * <p>Servers made by activities (a provisioned instance, an applied stack) also carry where they
 * are and the name of their secret, as they did before names existed; the worker admits such a
 * server only when the registry has exactly that endpoint and that secret.
 *
 * @param passwordSecret name in the worker's secret store (Secrets Manager), or null to use the
 *     worker's PGPASSWORD / pgpass file
 * @param name "production", "instance:&lt;name&gt;" or "stack:&lt;workspace&gt;"; null in payloads
 *     from before the registry
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PgServer(String host, int port, String user, String passwordSecret, String name) {

  public PgServer(String host, int port, String user, String passwordSecret) {
    this(host, port, user, passwordSecret, null);
  }

  /** A server as a workflow input names it. */
  public static PgServer named(String name) {
    return new PgServer(null, 0, null, null, name);
  }

  public String describe() {
    if (host == null) {
      return name;
    }
    return user + "@" + host + ":" + port + (name == null ? "" : " (" + name + ")");
  }
}
