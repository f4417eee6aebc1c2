package com.flowviz.dr.activities.postgres;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.workflows.FailureTypes;

/**
 * Turns a {@link PgServer} from a workflow into a client: the worker's own server for null, else
 * the given endpoint with its password read from the secret store, here and nowhere else.
 */
public final class PgServers {
  private final PgClient defaultServer;
  private final SecretStore secrets;

  public PgServers(PgClient defaultServer, SecretStore secrets) {
    this.defaultServer = defaultServer;
    this.secrets = secrets;
  }

  public PgClient client(PgServer server) {
    if (server == null) {
      return defaultServer;
    }
    PgConnectionSettings base = defaultServer.settings();
    String password = null;
    if (server.passwordSecret() != null) {
      password =
          secrets.read(server.passwordSecret())
              .orElseThrow(() -> NonRetryable.failure(
                  FailureTypes.CONFIGURATION,
                  "The password secret " + server.passwordSecret() + " of " + server.describe() + " does not exist."));
    }
    return new PgClient(
        new PgConnectionSettings(
            server.host(), server.port(), server.user(), password, password == null ? base.passFile().orElse(null) : null));
  }

  public PgClient defaultClient() {
    return defaultServer;
  }
}
