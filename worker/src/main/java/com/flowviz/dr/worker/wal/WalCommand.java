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
    subcommands = {
      WalCommand.Push.class,
      WalCommand.Fetch.class,
      WalCommand.Serve.class,
      WalCommand.WarmUp.class
    },
    description =
        "Archive WAL to the backup bucket (archive_command) and fetch it (restore_command).")
public final class WalCommand implements Callable<Integer> {

  static final int PUSH_FAILED = 1;
  static final int PUSH_REFUSED = 2;
  static final int PUSH_ALARM = 3;
  static final int FETCH_MISSING = 1;
  static final int FETCH_FAILED = 128;

  public static void main(String[] args) {
    // The server log gets this command's own lines, not logback's start-up chatter.
    if (System.getProperty("logback.statusListenerClass") == null) {
      System.setProperty(
          "logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
    }
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

  @Command(name = "push", description = "archive_command: flowviz-wal push %%p %%f")
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
      Result result;
      try {
        String system =
            systemIdentifier != null ? systemIdentifier : ClusterIdentity.of(Path.of(""));
        WalPush push = new WalPush(env.signingStore(), env.bucket(), env.recipients());
        result = archive(name, env.bucket(), () -> push.push(file, name, system));
      } catch (WalEnvironment.MissingSetting e) {
        result = new Result(PUSH_REFUSED, "cannot archive " + name + ": " + e.getMessage());
      } catch (IOException | RuntimeException e) {
        result =
            new Result(
                PUSH_FAILED,
                "could not archive " + name + " (PostgreSQL keeps it and retries): " + e);
      }
      log(result.message());
      return result.code();
    }
  }

  /** One push's or fetch's exit code and the server-log line saying why (none: empty). */
  record Result(int code, String message) {}

  /** A push, as the one-shot command and the resident archiver run it. */
  interface PushStep {
    WalPush.Outcome run()
        throws IOException, WalConflict, WalPush.Refused, PrivateKeySource.KeyUnavailableException;
  }

  /** Runs one push and maps its outcome to archive_command's exit codes (the class comment). */
  static Result archive(String name, String bucket, PushStep step) {
    long started = System.nanoTime();
    try {
      WalPush.Outcome outcome = step.run();
      return new Result(
          0,
          (outcome == WalPush.Outcome.ARCHIVED ? "archived " : "already archived (same bytes) ")
              + name
              + " to bucket "
              + bucket
              + " in "
              + (System.nanoTime() - started) / 1_000_000
              + " ms");
    } catch (WalConflict e) {
      return new Result(PUSH_ALARM, e.getMessage());
    } catch (WalPush.Refused | PrivateKeySource.KeyUnavailableException e) {
      return new Result(PUSH_REFUSED, "refused to archive " + name + ": " + e.getMessage());
    } catch (WalEnvironment.MissingSetting e) {
      return new Result(PUSH_REFUSED, "cannot archive " + name + ": " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      // io.temporal's ApplicationFailure (a signing key that cannot be read) lands here too.
      return new Result(
          PUSH_FAILED,
          "could not archive " + name + " (PostgreSQL keeps it and retries): " + e.getMessage());
    }
  }

  @Command(
      name = "serve",
      description =
          "The resident archiver: keeps the JVM, S3 client and keys warm for flowviz-wal push"
              + " (deploy/wal/flowviz-wal-serve.service).")
  static final class Serve implements Callable<Integer> {
    @ParentCommand WalCommand parent;

    @Override
    public Integer call() throws IOException, InterruptedException {
      WalServer server = new WalServer(parent.env);
      Thread serving = new Thread(server::serve, "flowviz-wal-serve");
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.close();
                    } catch (IOException e) {
                      log("stopping: " + e.getMessage());
                    }
                  }));
      serving.start();
      serving.join();
      return 0;
    }
  }

  /**
   * What {@code flowviz-wal --make-cds} runs under {@code -XX:ArchiveClassesAtExit}: the push path
   * end to end (S3 client and a HEAD, the signing key, zlib, AES, SHA-256, the signature) on a
   * synthetic segment, written to a temporary local directory, never to the bucket.
   */
  @Command(name = "warm-up", hidden = true)
  static final class WarmUp implements Callable<Integer> {
    @ParentCommand WalCommand parent;

    @Override
    public Integer call() throws Exception {
      WalEnvironment env = parent.env;
      try {
        // Loads the SDK's request path; the key cannot exist, and a failure (no network) is fine.
        env.store().metadata(env.bucket(), "wal/warm-up/none");
      } catch (IOException | RuntimeException e) {
        log("warm-up: the bucket did not answer (" + e.getMessage() + "); classes loaded anyway");
      }
      Path dir = java.nio.file.Files.createTempDirectory("flowviz-wal-warm-up");
      try {
        Path segment = dir.resolve("000000010000000000000001");
        byte[] bytes = new byte[16 << 20];
        // Half records (noise), half zeros, as a switched segment: zlib and AES both do work.
        byte[] noise = new byte[8 << 20];
        new java.util.Random(1).nextBytes(noise);
        System.arraycopy(noise, 0, bytes, 0, noise.length);
        java.nio.ByteBuffer header =
            java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        header.putShort(0, (short) 0xD110);
        header.putShort(2, (short) 0x0002);
        header.putLong(24, 1L);
        java.nio.file.Files.write(segment, bytes);
        java.nio.file.Files.createDirectories(dir.resolve("store").resolve("warm-up"));
        Result result =
            archive(
                segment.getFileName().toString(),
                "warm-up",
                () ->
                    new WalPush(
                            new com.flowviz.dr.activities.backup.SigningBackupStore(
                                new com.flowviz.dr.activities.storage.LocalDirectoryBackupStore(
                                    dir.resolve("store")),
                                env.signingKey(null)),
                            "warm-up",
                            env.recipients())
                        .push(segment, segment.getFileName().toString(), "1"));
        log("warm-up: " + result.message());
        return result.code();
      } finally {
        try (var files = java.nio.file.Files.walk(dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Command(name = "fetch", description = "restore_command: flowviz-wal fetch %%f %%p")
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
      Result result;
      try {
        String system =
            systemIdentifier != null ? systemIdentifier : ClusterIdentity.of(Path.of(""));
        WalFetch fetch =
            new WalFetch(env.store(), env.bucket(), env.privateKey(), env.trustedSigners());
        result = restore(name, env.bucket(), () -> fetch.fetch(name, target, system));
      } catch (IOException | RuntimeException e) {
        result =
            new Result(
                FETCH_FAILED,
                "could not fetch " + name + " (recovery stops; run it again): " + e.getMessage());
      }
      if (!result.message().isEmpty()) {
        log(result.message());
      }
      return result.code();
    }
  }

  /** A fetch, as the one-shot command and the resident archiver run it. */
  interface FetchStep {
    WalFetch.Outcome run() throws IOException, WalFetch.Refused;
  }

  /** Runs one fetch and maps its outcome to restore_command's exit codes (the class comment). */
  static Result restore(String name, String bucket, FetchStep step) {
    long started = System.nanoTime();
    try {
      if (step.run() == WalFetch.Outcome.MISSING) {
        // Quiet on purpose: recovery asks for files past the end of the archive.
        return new Result(FETCH_MISSING, "");
      }
      return new Result(
          0,
          "restored "
              + name
              + " from bucket "
              + bucket
              + " in "
              + (System.nanoTime() - started) / 1_000_000
              + " ms");
    } catch (WalFetch.Refused e) {
      return new Result(
          FETCH_FAILED, "REFUSED " + name + ", recovery must stop: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      return new Result(
          FETCH_FAILED,
          "could not fetch " + name + " (recovery stops; run it again): " + e.getMessage());
    }
  }
}
