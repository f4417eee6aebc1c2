package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TestMoto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an operator types to restore a base backup without flowviz-dr: {@code aws s3 cp}, {@code gpg
 * --verify}, {@code gpg --decrypt | zstd -d | tar -x}, {@code pg_verifybackup}, {@code
 * pg_controldata}, {@code pg_ctl}. Each is the real program; passphrases come from files, never
 * arguments.
 */
final class ByHand {

  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final PgBinaries PG = PgBinaries.locate(null);

  private ByHand() {}

  /** {@code aws s3 cp s3://bucket/key file} against moto. */
  static Path awsS3Copy(String bucket, String key, Path file) {
    run(
        List.of(
            RequiredTools.find("aws"),
            "--endpoint-url",
            TestMoto.endpoint(),
            "s3",
            "cp",
            "--only-show-errors",
            "s3://" + bucket + "/" + key,
            file.toString()),
        Map.of(
            "AWS_ACCESS_KEY_ID", "testing-access-key",
            "AWS_SECRET_ACCESS_KEY", "testing-secret-key",
            "AWS_DEFAULT_REGION", TestMoto.REGION));
    return file;
  }

  /**
   * {@code gpg --batch --decrypt <file> | zstd -d | tar -x -C <dir>} for {@code base.tar.zst.gpg},
   * {@code gpg --batch --decrypt <file> | tar -x -C <dir>} for {@code base.tar.gpg}: the object's
   * name says which, as it tells an operator. The passphrase from a file.
   */
  static void decryptAndUntar(Path gnupgHome, Path passphraseFile, Path encrypted, Path dir) {
    String name = encrypted.getFileName().toString();
    RequiredTools.find("zstd"); // a missing tool fails loudly, before the pipe hides it
    String decompress;
    if (name.endsWith(".tar.zst.gpg")) {
      decompress = " | zstd -d -q";
    } else if (name.endsWith(".tar.gpg")) {
      decompress = "";
    } else {
      throw new IllegalArgumentException("not a base backup's data file: " + name);
    }
    run(
        List.of(
            "bash",
            "-c",
            "set -o pipefail; gpg --batch --pinentry-mode loopback --passphrase-file \"$1\""
                + " --decrypt \"$2\""
                + decompress
                + " | tar -x -C \"$3\"",
            "by-hand",
            passphraseFile.toString(),
            encrypted.toString(),
            dir.toString()),
        Map.of("GNUPGHOME", gnupgHome.toString()));
  }

  /** {@code gpg --verify <file>.sig <file>}: gpg's status lines. */
  static String gpgVerify(Path gnupgHome, Path signature, Path file) {
    return run(
        List.of(
            "gpg",
            "--batch",
            "--status-fd",
            "1",
            "--trust-model",
            "always",
            "--verify",
            signature.toString(),
            file.toString()),
        Map.of("GNUPGHOME", gnupgHome.toString()));
  }

  static String pgVerifybackup(Path manifest, Path dataDirectory) {
    return run(
        List.of(
            PG.program("pg_verifybackup"),
            "--no-parse-wal",
            "--manifest-path=" + manifest,
            dataDirectory.toString()),
        Map.of());
  }

  static String pgControldata(Path dataDirectory) {
    return run(
        List.of(PG.program("pg_controldata"), dataDirectory.toString()), Map.of("LC_ALL", "C"));
  }

  /** {@code pg_ctl start}, as the server user when this is root. */
  static void pgCtlStart(Path dataDirectory, Path log) {
    run(
        asServerUser(
            List.of(
                PG.program("pg_ctl"),
                "-D",
                dataDirectory.toString(),
                "-l",
                log.toString(),
                "-w",
                "-t",
                "120",
                "start")),
        Map.of());
  }

  static void pgCtlStop(Path dataDirectory) {
    run(
        asServerUser(
            List.of(
                PG.program("pg_ctl"), "-D", dataDirectory.toString(), "-m", "fast", "-w", "stop")),
        Map.of());
  }

  /** {@code chown -R postgres: <dir>; chmod 700 <dir>}: what initdb would have made. */
  static void handToServerUser(Path dir) {
    if ("root".equals(System.getProperty("user.name"))) {
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()), Map.of());
    }
    run(List.of("chmod", "700", dir.toString()), Map.of());
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> asServerUser(List<String> command) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return command;
    }
    List<String> wrapped =
        new ArrayList<>(
            List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups"));
    wrapped.addAll(command);
    return wrapped;
  }

  private static String run(List<String> command, Map<String, String> environment) {
    try {
      return ChildProcess.run(command, environment, TIMEOUT, null);
    } catch (RuntimeException e) {
      throw new AssertionError("By hand, `" + String.join(" ", command) + "` failed: " + e, e);
    }
  }
}
