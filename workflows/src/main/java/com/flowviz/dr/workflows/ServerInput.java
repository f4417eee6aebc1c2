package com.flowviz.dr.workflows;

import com.flowviz.dr.activities.postgres.PgServer;
import java.util.regex.Pattern;

/** Checks a PostgreSQL server given in an input. */
public final class ServerInput {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]");
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");

  private ServerInput() {}

  /** Null stays null: the worker's own server. */
  public static PgServer validate(String field, PgServer server) {
    if (server == null) {
      return null;
    }
    if (server.host() == null || !HOST.matcher(server.host()).matches()) {
      throw InputValidation.invalid(field + ".host \"" + server.host() + "\" is not a host name or address.");
    }
    if (server.port() < 1 || server.port() > 65535) {
      throw InputValidation.invalid(field + ".port " + server.port() + " is not a TCP port (1-65535).");
    }
    if (server.user() == null || !USER.matcher(server.user()).matches()) {
      throw InputValidation.invalid(field + ".user \"" + server.user() + "\" is not a plain PostgreSQL role name.");
    }
    if (server.passwordSecret() != null && !SECRET.matcher(server.passwordSecret()).matches()) {
      throw InputValidation.invalid(field + ".passwordSecret is not a secret name; give the name of the secret, never the password.");
    }
    return server;
  }
}
