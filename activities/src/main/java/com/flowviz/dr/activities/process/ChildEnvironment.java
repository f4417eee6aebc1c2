package com.flowviz.dr.activities.process;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Which of the worker's environment variables a child process inherits: an allow-list, never the
 * whole environment. The worker's environment holds what the worker needs (AWS keys, Temporal and
 * FlowViz settings, perhaps a PGPASSWORD for another server); a restart command, a pg tool or
 * docker gets only what every program needs (PATH, HOME, locale, time zone, temporary directory, CA
 * bundles) and the variables its own tool reads: libpq's TLS and client settings for pg tools, TF_*
 * and AWS_* for terraform, DOCKER_* for docker, GNUPGHOME for gpg. Anything else is removed.
 *
 * <p>The variables a caller passes explicitly (a pg tool's PGHOST, PGUSER and the password of that
 * very server, terraform's TF_VAR_ secrets) are added on top by {@link ChildProcess}: which server
 * a pg tool talks to, and with which password, is the caller's decision, so PGHOST, PGPORT, PGUSER,
 * PGPASSWORD, PGPASSFILE, PGDATABASE and PGSERVICE are never inherited.
 */
public enum ChildEnvironment {
  /** Anything not named below, e.g. the application's restart command. */
  GENERIC(name -> false),
  POSTGRES_TOOL(name -> Names.PG_CLIENT_SETTINGS.contains(name)),
  TERRAFORM(
      name -> name.startsWith("TF_") || name.startsWith("AWS_") || Names.PROXIES.contains(name)),
  DOCKER(name -> name.startsWith("DOCKER_")),
  GPG(name -> name.equals("GNUPGHOME") || name.equals("GPG_AGENT_INFO"));

  /** The names, in a class of their own: an enum's constants cannot refer to its static fields. */
  private static final class Names {
    /** What every program may see. */
    static final Set<String> COMMON =
        Set.of(
            "PATH",
            "HOME",
            "USER",
            "LOGNAME",
            "SHELL",
            "LANG",
            "LANGUAGE",
            "TZ",
            "TMPDIR",
            "TERM",
            "LD_LIBRARY_PATH",
            "SSL_CERT_FILE",
            "SSL_CERT_DIR");

    /**
     * libpq's settings other than the server, the role and the password (those come from the
     * caller).
     */
    static final Set<String> PG_CLIENT_SETTINGS =
        Set.of(
            "PGSSLMODE",
            "PGREQUIRESSL",
            "PGSSLROOTCERT",
            "PGSSLCERT",
            "PGSSLKEY",
            "PGSSLCRL",
            "PGSSLCRLDIR",
            "PGSSLSNI",
            "PGSSLMINPROTOCOLVERSION",
            "PGSSLMAXPROTOCOLVERSION",
            "PGGSSENCMODE",
            "PGKRBSRVNAME",
            "PGGSSLIB",
            "PGREQUIREPEER",
            "PGREQUIREAUTH",
            "PGCHANNELBINDING",
            "PGSYSCONFDIR",
            "PGSERVICEFILE",
            "PGCLIENTENCODING",
            "PGAPPNAME",
            "PGTZ",
            "PGDATESTYLE",
            "PGCONNECT_TIMEOUT",
            "PGTARGETSESSIONATTRS",
            "PGLOADBALANCEHOSTS");

    /** Terraform downloads providers; behind a proxy it needs these. */
    static final Set<String> PROXIES =
        Set.of("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy");

    static final Set<String> POSTGRES_PROGRAMS =
        Set.of(
            "pg_dump",
            "pg_restore",
            "pg_dumpall",
            "psql",
            "pg_ctl",
            "initdb",
            "pg_isready",
            "createdb",
            "dropdb",
            "pg_basebackup");

    /** Programs that run the next one: the next one decides. */
    static final Set<String> WRAPPERS =
        Set.of("setpriv", "sudo", "runuser", "env", "nice", "ionice", "timeout", "nohup");
  }

  private final Predicate<String> toolVariables;

  ChildEnvironment(Predicate<String> toolVariables) {
    this.toolVariables = toolVariables;
  }

  /**
   * The policy for a command, by its program's name (the wrapped program's for setpriv, sudo, ...).
   */
  public static ChildEnvironment of(List<String> command) {
    for (int i = 0; i < command.size(); i++) {
      String argument = command.get(i);
      String program = argument.substring(argument.lastIndexOf('/') + 1);
      if (i > 0 && program.startsWith("-")) {
        continue;
      }
      ChildEnvironment tool = byName(program);
      if (tool != GENERIC || !Names.WRAPPERS.contains(program)) {
        return tool;
      }
    }
    return GENERIC;
  }

  private static ChildEnvironment byName(String program) {
    if (Names.POSTGRES_PROGRAMS.contains(program)) {
      return POSTGRES_TOOL;
    }
    return switch (program) {
      case "terraform", "tofu" -> TERRAFORM;
      case "docker" -> DOCKER;
      case "gpg", "gpg2", "gpgconf", "gpg-agent" -> GPG;
      default -> GENERIC;
    };
  }

  /** Whether a variable of the worker's environment reaches this kind of child. */
  public boolean inherits(String name) {
    return Names.COMMON.contains(name) || name.startsWith("LC_") || toolVariables.test(name);
  }

  /** The part of {@code workerEnvironment} this kind of child inherits. */
  public Map<String, String> inherited(Map<String, String> workerEnvironment) {
    Map<String, String> kept = new TreeMap<>();
    workerEnvironment.forEach(
        (name, value) -> {
          if (inherits(name)) {
            kept.put(name, value);
          }
        });
    return kept;
  }
}
