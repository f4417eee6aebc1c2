package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.workflows.FailureTypes;
import java.util.Optional;

/**
 * The errors of a replication connection ({@code psql replication=true}, {@code pg_basebackup})
 * that no retry heals, as libpq prints them, turned into what the operator must change. Anything
 * else (a refused connection, a server starting, every WAL sender busy) may heal and is retried.
 */
final class ReplicationRefusals {
  private ReplicationRefusals() {}

  static Optional<RuntimeException> of(String stderr, String server, String role) {
    if (stderr.contains("no pg_hba.conf entry for replication connection")
        || stderr.contains("pg_hba.conf rejects replication connection")) {
      return Optional.of(
          ClusterSettings.refuse(
              "The pg_hba.conf of "
                  + server
                  + " refuses the worker's replication connection as "
                  + role
                  + " ("
                  + lastLine(stderr)
                  + "). Add a line such as `host replication "
                  + role
                  + " <worker address>/32 scram-sha-256` above any line that rejects it, reload"
                  + " (SELECT pg_reload_conf()), then take the base backup again."));
    }
    if (stderr.contains("must be superuser or replication role")) {
      return Optional.of(
          ClusterSettings.refuse(
              "The role "
                  + role
                  + " may not open a replication connection to "
                  + server
                  + " ("
                  + lastLine(stderr)
                  + "). Grant it (ALTER ROLE "
                  + role
                  + " REPLICATION;), then take the base backup again."));
    }
    if (stderr.contains("max_wal_senders (currently 0)")) {
      return Optional.of(
          ClusterSettings.refuse(
              "The server "
                  + server
                  + " runs with max_wal_senders = 0 and accepts no replication connection. Set"
                  + " max_wal_senders = 10, restart PostgreSQL, then take the base backup again."));
    }
    if (stderr.contains("WAL level not sufficient")) {
      return Optional.of(
          ClusterSettings.refuse(
              "The server "
                  + server
                  + " runs with wal_level = minimal ("
                  + lastLine(stderr)
                  + "). Set wal_level = replica, restart PostgreSQL, then take the base backup"
                  + " again."));
    }
    if (stderr.contains("password authentication failed")
        || stderr.contains("authentication failed for user")
        || stderr.contains("no password supplied")) {
      return Optional.of(
          NonRetryable.failure(
              FailureTypes.CONFIGURATION,
              "The server "
                  + server
                  + " refused the worker's credentials for a replication connection as "
                  + role
                  + " ("
                  + lastLine(stderr)
                  + "). Check the server's password secret or the pgpass file (a pgpass line for"
                  + " a replication connection names the database \"replication\"), then take the"
                  + " base backup again."));
    }
    return Optional.empty();
  }

  static String lastLine(String stderr) {
    String[] lines = stderr.strip().split("\n");
    return lines.length == 0 ? "" : lines[lines.length - 1].strip();
  }
}
