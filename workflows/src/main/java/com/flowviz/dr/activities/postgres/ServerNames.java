package com.flowviz.dr.activities.postgres;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How servers are named in workflow inputs, and the secret the worker assigns each: the one
 * convention the workflows' input checks and the worker's server registry share.
 */
public final class ServerNames {

  public static final String PRODUCTION = "production";
  public static final String INSTANCE = "instance:";
  public static final String STACK = "stack:";
  private static final Pattern INSTANCE_LOCAL = Pattern.compile("[a-z][a-z0-9-]{1,48}[a-z0-9]");
  private static final Pattern STACK_LOCAL = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern INSTANCE_SECRET =
      Pattern.compile("flowviz/dr/instances/([a-z][a-z0-9-]{1,48}[a-z0-9])/admin-password");
  private static final Pattern STACK_SECRET =
      Pattern.compile("flowviz/dr/stacks/([a-z0-9][a-z0-9_-]{0,62})/db-password");

  private ServerNames() {}

  public static String instance(String name) {
    return INSTANCE + name;
  }

  public static String stack(String workspace) {
    return STACK + workspace;
  }

  /** Where a provisioned instance's admin password is kept. */
  public static String instanceSecret(String instance) {
    return "flowviz/dr/instances/" + instance + "/admin-password";
  }

  /** Where an applied stack's database password is kept. */
  public static String stackSecret(String workspace) {
    return "flowviz/dr/stacks/" + workspace + "/db-password";
  }

  /** "production", "instance:&lt;name&gt;" or "stack:&lt;workspace&gt;" with a usable name. */
  public static boolean isServerName(String name) {
    if (name == null) {
      return false;
    }
    if (name.equals(PRODUCTION)) {
      return true;
    }
    if (name.startsWith(INSTANCE)) {
      return INSTANCE_LOCAL.matcher(name.substring(INSTANCE.length())).matches();
    }
    return name.startsWith(STACK) && STACK_LOCAL.matcher(name.substring(STACK.length())).matches();
  }

  /**
   * The secret the worker assigns a named server; empty for production (the worker's own password).
   */
  public static Optional<String> secretOf(String name) {
    if (name.startsWith(INSTANCE)) {
      return Optional.of(instanceSecret(name.substring(INSTANCE.length())));
    }
    if (name.startsWith(STACK)) {
      return Optional.of(stackSecret(name.substring(STACK.length())));
    }
    return Optional.empty();
  }

  /**
   * The server whose secret this is, for payloads from before names; empty when it is no server's.
   */
  public static Optional<String> ofSecret(String secret) {
    if (secret == null) {
      return Optional.of(PRODUCTION);
    }
    Matcher instance = INSTANCE_SECRET.matcher(secret);
    if (instance.matches()) {
      return Optional.of(instance(instance.group(1)));
    }
    Matcher stack = STACK_SECRET.matcher(secret);
    return stack.matches() ? Optional.of(stack(stack.group(1))) : Optional.empty();
  }
}
