package com.flowviz.dr.activities.postgres;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.workflows.FailureTypes;
import java.util.Optional;

/**
 * Turns a {@link PgServer} from a workflow into a client: the worker's own server for null, else
 * the server the {@link ServerRegistry} admits, with the password of the secret the registry
 * assigns it, read here and nowhere else. A server the registry does not admit (a foreign host, a
 * secret that is not the server's) is refused before any secret is read or any connection made.
 */
public final class PgServers {
  private final PgClient defaultServer;
  private final SecretStore secrets;
  private final ServerRegistry registry;

  public PgServers(PgClient defaultServer, SecretStore secrets) {
    this(
        defaultServer,
        secrets,
        new ServerRegistry(defaultServer.settings(), secrets, name -> Optional.empty()));
  }

  public PgServers(PgClient defaultServer, SecretStore secrets, ServerRegistry registry) {
    this.defaultServer = defaultServer;
    this.secrets = secrets;
    this.registry = registry;
  }

  public PgClient client(PgServer server) {
    if (server == null) {
      return defaultServer;
    }
    ServerRegistry.Entry entry = registry.admit(server);
    if (ServerRegistry.PRODUCTION.equals(entry.name())) {
      return defaultServer;
    }
    PgConnectionSettings base = defaultServer.settings();
    if (entry.passwordSecret() == null) {
      // Only a recovered physical copy of production has no secret of its own: its roles and
      // passwords are production's. Such copies are on this host's loopback (a local point-in-time
      // recovery) or RDS endpoints (the service's restore); production's password goes nowhere
      // else, whatever an entry in the registry says.
      if (!isRecoveredCopyHost(entry.host())) {
        throw NonRetryable.failure(
            FailureTypes.CONFIGURATION,
            "The registry entry "
                + entry.name()
                + " has no password secret and is at "
                + entry.host()
                + ", neither this host's loopback nor an RDS endpoint: production's password is"
                + " not sent there. Check who wrote the entry (flowviz/dr/registry/ in the secret"
                + " store).");
      }
      return new PgClient(base.physicalCopyAt(entry.host(), entry.port()));
    }
    String password = password(entry).orElse(null);
    return new PgClient(
        new PgConnectionSettings(
            entry.host(),
            entry.port(),
            entry.user(),
            password,
            password == null ? base.passFile().orElse(null) : null));
  }

  /**
   * The admitted server's endpoint and the password its registry entry assigns (empty: the worker's
   * own).
   */
  public Admitted admit(PgServer server) {
    ServerRegistry.Entry entry = registry.admit(server);
    return new Admitted(entry, password(entry));
  }

  /**
   * A server the registry admitted, with its password; not a record, so toString cannot show it.
   */
  public static final class Admitted {
    private final ServerRegistry.Entry entry;
    private final Optional<String> password;

    Admitted(ServerRegistry.Entry entry, Optional<String> password) {
      this.entry = entry;
      this.password = password;
    }

    public ServerRegistry.Entry entry() {
      return entry;
    }

    public Optional<String> password() {
      return password;
    }

    @Override
    public String toString() {
      return entry.name() + " " + entry.user() + "@" + entry.host() + ":" + entry.port();
    }
  }

  private Optional<String> password(ServerRegistry.Entry entry) {
    if (entry.passwordSecret() == null) {
      return Optional.empty();
    }
    return Optional.of(
        secrets
            .read(entry.passwordSecret())
            .orElseThrow(
                () ->
                    NonRetryable.failure(
                        FailureTypes.CONFIGURATION,
                        "The password secret "
                            + entry.passwordSecret()
                            + " of "
                            + entry.name()
                            + " does not exist.")));
  }

  static boolean isRecoveredCopyHost(String host) {
    String h = host == null ? "" : host.toLowerCase(java.util.Locale.ROOT);
    return h.equals("127.0.0.1")
        || h.equals("localhost")
        || h.equals("::1")
        || h.matches("[a-z0-9.-]+\\.rds\\.amazonaws\\.com(\\.cn)?");
  }

  public ServerRegistry registry() {
    return registry;
  }

  public PgClient defaultClient() {
    return defaultServer;
  }
}
