package com.flowviz.dr.workflows;

import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.ServerNames;
import io.temporal.workflow.Workflow;
import java.util.regex.Pattern;

/**
 * Checks a PostgreSQL server given in an input. Inputs name servers ({@code {"name":
 * "instance:scratch-1"}}); the worker's registry decides where each is and which secret it gets.
 * Workflows started before names existed passed host, port and the secret's name: those payloads
 * still pass here (the registry admits them only when they are exactly a known server's).
 */
public final class ServerInput {
  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]");
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");

  private ServerInput() {}

  /** Null stays null: the worker's own server; so does "production". */
  public static PgServer validate(String field, PgServer server) {
    if (server == null) {
      return null;
    }
    if (Workflow.getVersion("server-inputs-name-servers", Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return validateLocated(field, server);
    }
    if (server.name() != null) {
      return validateNamed(field, server);
    }
    validateLocated(field, server);
    if (server.passwordSecret() == null) {
      throw InputValidation.invalid(
          field
              + " gives a host ("
              + server.host()
              + ":"
              + server.port()
              + ") instead of a server name; the worker"
              + " connects only to servers it knows. Give "
              + field
              + ".name: \"production\", \"instance:<name>\" or \"stack:<workspace>\".");
    }
    if (ServerNames.ofSecret(server.passwordSecret()).isEmpty()) {
      throw InputValidation.invalid(
          field
              + ".passwordSecret \""
              + InputValidation.printable(server.passwordSecret())
              + "\" is not the"
              + " secret of any server the worker knows; inputs name servers, never secrets. Give "
              + field
              + ".name instead.");
    }
    return server;
  }

  private static PgServer validateNamed(String field, PgServer server) {
    if (!ServerNames.isServerName(server.name())) {
      throw InputValidation.invalid(
          field
              + ".name \""
              + InputValidation.printable(server.name())
              + "\" is not a server name: give \"production\", \"instance:<name>\" (an instance"
              + " flowviz-dr provisioned) or \"stack:<workspace>\" (a stack it applied).");
    }
    // A server an activity made (a drill's scratch instance) comes with its endpoint and secret;
    // the secret must be the one the name is assigned, and the registry checks the endpoint.
    if (server.passwordSecret() != null
        && !server.passwordSecret().equals(ServerNames.secretOf(server.name()).orElse(null))) {
      throw InputValidation.invalid(
          field
              + ".passwordSecret is not accepted: the worker decides the secret of "
              + server.name()
              + ". Give "
              + field
              + ".name alone.");
    }
    if (server.host() != null) {
      validateLocated(field, server);
    }
    return server.name().equals(ServerNames.PRODUCTION) ? null : server;
  }

  private static PgServer validateLocated(String field, PgServer server) {
    if (server.host() == null || !HOST.matcher(server.host()).matches()) {
      throw InputValidation.invalid(
          field + ".host \"" + server.host() + "\" is not a host name or address.");
    }
    if (server.port() < 1 || server.port() > 65535) {
      throw InputValidation.invalid(
          field + ".port " + server.port() + " is not a TCP port (1-65535).");
    }
    if (server.user() == null || !USER.matcher(server.user()).matches()) {
      throw InputValidation.invalid(
          field + ".user \"" + server.user() + "\" is not a plain PostgreSQL role name.");
    }
    if (server.passwordSecret() != null && !SECRET.matcher(server.passwordSecret()).matches()) {
      throw InputValidation.invalid(
          field
              + ".passwordSecret is not a secret name; give the name of the secret, never the"
              + " password.");
    }
    return server;
  }
}
