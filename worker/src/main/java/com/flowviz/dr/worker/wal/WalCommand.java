package com.flowviz.dr.worker.wal;

import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.physical.wal.ClusterIdentity;
import com.flowviz.dr.activities.physical.wal.WalConflict;
import com.flowviz.dr.activities.physical.wal.WalFetch;
import com.flowviz.dr.activities.physical.wal.WalPush;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The WAL archive's two PostgreSQL commands, shipped in the worker jar and run without the worker
 * (no Micronaut, no Temporal: PostgreSQL starts one per WAL file, and it must work while the worker
 * is down):
 *
 * <pre>
 * archive_command = 'flowviz-wal push %p %f'
 * restore_command = 'flowviz-wal fetch %f %p'
 * </pre>
 *
 * Both run in the data directory and read the system identifier from its {@code global/pg_control}.
 * Configuration comes from the environment ({@link WalEnvironment}).
 *
 * <p>Exit codes, as PostgreSQL reads them. push: 0 archived (the object is durable), 1 failed (S3
 * unreachable, ...: PostgreSQL keeps the file and retries), 2 refused (a file this cluster must not
 * archive, or the command is misconfigured: also retried, so fix it), 3 ALARM (a different file
 * under an archived name). fetch: 0 restored, 1 not in the archive (normal: recovery asks for files
 * past the end), 128 anything else: above 125 PostgreSQL stops recovery instead of taking a failure
 * for the end of the WAL, which would silently end the restore early.
 */
@Command(
    name = "flowviz-wal",
    mixinStandardHelpOptions = true,
    subcommands = {WalCommand.Push.class, WalCommand.Fetch.class},
    description =
        "Archive WAL to the backup bucket (archive_command) and fetch it (restore_command).")
public final class WalCommand implements Callable<Integer> {

  static final int PUSH_FAILED = 1;
  static final int PUSH_REFUSED = 2;
  static final int PUSH_ALARM = 3;
  static final int FETCH_MISSING = 1;
  static final int FETCH_FAILED = 128;

  public static void main(String[] args) {
    System.exit(run(args, System.getenv()));
  }

  static int run(String[] args, Map<String, String> env) {
    CommandLine line = new CommandLine(new WalCommand(new WalEnvironment(env)));
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          log("unexpected failure: " + e);
          return PUSH_FAILED;
        });
    return line.execute(args);
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return PUSH_REFUSED;
  }

  private final WalEnvironment env;

  private WalCommand(WalEnvironment env) {
    this.env = env;
  }

  /** What PostgreSQL's server log shows: one line per outcome, on stderr. */
  static void log(String message) {
    PrintStream err = System.err;
    err.println(Instant.now() + " flowviz-wal: " + message);
    err.flush();
  }

  @Command(name = "push", description = "archive_command: flowviz-wal push %p %f")
  static final class Push implements Callable<Integer> {
    @Parameters(index = "0", description = "%p: the file, relative to the data directory")
    Path file;

    @Parameters(index = "1", description = "%f: its name")
    String name;

    @Option(
        names = "--system-identifier",
        description = "the cluster's system identifier (default: from global/pg_control)")
    String systemIdentifier;

    @ParentCommand WalCommand parent;

    @Override
    public Integer call() {
      WalEnvironment env = parent.env;
      long started = System.nanoTime();
      try {
        String system =
            systemIdentifier != null ? systemIdentifier : ClusterIdentity.of(Path.of(""));
        WalPush.Outcome outcome =
            new WalPush(env.signingStore(), env.bucket(), env.recipients())
                .push(file, name, system);
        log(
            (outcome == WalPush.Outcome.ARCHIVED ? "archived " : "already archived (same bytes) ")
                + name
                + " to bucket "
                + env.bucket()
                + " in "
                + (System.nanoTime() - started) / 1_000_000
                + " ms");
        return 0;
      } catch (WalConflict e) {
        log(e.getMessage());
        return PUSH_ALARM;
      } catch (WalPush.Refused | PrivateKeySource.KeyUnavailableException e) {
        log("refused to archive " + name + ": " + e.getMessage());
        return PUSH_REFUSED;
      } catch (WalEnvironment.MissingSetting e) {
        log("cannot archive " + name + ": " + e.getMessage());
        return PUSH_REFUSED;
      } catch (IOException | RuntimeException e) {
        // io.temporal's ApplicationFailure (a signing key that cannot be read) lands here too.
        log("could not archive " + name + " (PostgreSQL keeps it and retries): " + e.getMessage());
        return PUSH_FAILED;
      }
    }
  }

  @Command(name = "fetch", description = "restore_command: flowviz-wal fetch %f %p")
  static final class Fetch implements Callable<Integer> {
    @Parameters(index = "0", description = "%f: the WAL file's name")
    String name;

    @Parameters(index = "1", description = "%p: where to write it, relative to the data directory")
    Path target;

    @Option(
        names = "--system-identifier",
        description = "the cluster's system identifier (default: from global/pg_control)")
    String systemIdentifier;

    @ParentCommand WalCommand parent;

    @Override
    public Integer call() {
      WalEnvironment env = parent.env;
      try {
        String system =
            systemIdentifier != null ? systemIdentifier : ClusterIdentity.of(Path.of(""));
        WalFetch.Outcome outcome =
            new WalFetch(env.store(), env.bucket(), env.privateKey(), env.trustedSigners())
                .fetch(name, target, system);
        if (outcome == WalFetch.Outcome.MISSING) {
          // Quiet on purpose: recovery asks for files past the end of the archive.
          return FETCH_MISSING;
        }
        log("restored " + name + " from bucket " + env.bucket());
        return 0;
      } catch (WalFetch.Refused e) {
        log("REFUSED " + name + ", recovery must stop: " + e.getMessage());
        return FETCH_FAILED;
      } catch (IOException | RuntimeException e) {
        log("could not fetch " + name + " (recovery stops; run it again): " + e.getMessage());
        return FETCH_FAILED;
      }
    }
  }
}
