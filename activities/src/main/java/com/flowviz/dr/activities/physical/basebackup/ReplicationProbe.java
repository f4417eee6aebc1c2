package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.process.ProcessFailedException;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;

/**
 * A replication connection made the way {@code pg_basebackup} makes it (libpq, {@code
 * dbname=replication replication=true}, the password from the environment or the pgpass file),
 * asking only {@code IDENTIFY_SYSTEM}: it proves that pg_hba.conf, the role and {@code
 * max_wal_senders} admit the base backup before one starts, and names the cluster and its current
 * timeline as the WAL sender sees them.
 */
final class ReplicationProbe {

  private static final Duration TIMEOUT = Duration.ofMinutes(1);

  /** {@code IDENTIFY_SYSTEM}'s answer. */
  record Identity(String systemIdentifier, int timeline, String walPosition) {}

  private ReplicationProbe() {}

  static Identity identify(PgClient pg, PgBinaries binaries, String server) {
    List<String> command =
        List.of(
            binaries.program("psql"),
            "--no-psqlrc",
            "--no-password",
            "--no-align",
            "--tuples-only",
            "--field-separator=|",
            "--dbname=dbname=replication replication=true application_name=flowviz-dr",
            "--command=IDENTIFY_SYSTEM");
    String out;
    try {
      out = ChildProcess.run(command, pg.settings().toolEnvironment(), TIMEOUT, null).strip();
    } catch (ProcessFailedException e) {
      throw ReplicationRefusals.of(e.stderrTail(), server, pg.settings().user())
          .orElseGet(
              () ->
                  ApplicationFailure.newFailure(
                      "Cannot open a replication connection to "
                          + server
                          + " ("
                          + ReplicationRefusals.lastLine(e.stderrTail())
                          + "); retrying.",
                      FailureTypes.DATABASE_UNAVAILABLE));
    }
    String[] fields = out.split("\\|", -1);
    if (fields.length < 3 || !fields[0].matches("[0-9]+") || !fields[1].matches("[0-9]+")) {
      throw new IllegalStateException(
          "IDENTIFY_SYSTEM on " + server + " answered \"" + out + "\", not sysid|timeline|LSN");
    }
    return new Identity(fields[0], Integer.parseInt(fields[1]), fields[2]);
  }
}
