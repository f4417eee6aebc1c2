package com.flowviz.dr.activities.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway GnuPG home for interoperability tests with the real {@code gpg} CLI: generate keys
 * the way an operator would, export them, encrypt and decrypt with gpg's default settings.
 * Passphrases reach gpg on stdin (loopback pinentry), never as arguments.
 */
public final class GpgHome implements AutoCloseable {

  public enum KeyType {
    /** gpg 2.2's default: RSA 3072 primary for signing, RSA 3072 subkey for encryption. */
    RSA,
    /** Ed25519 primary, Curve25519 ECDH subkey (gpg's "future default"). */
    CURVE25519
  }

  private final String gpg;
  private final Path home;

  private GpgHome(String gpg, Path home) {
    this.gpg = gpg;
    this.home = home;
  }

  public static GpgHome create() {
    String gpg = RequiredTools.find("gpg");
    try {
      // Short path: gpg-agent's socket path must fit in sun_path.
      Path home = Files.createTempDirectory(Path.of("/tmp"), "gpg");
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
      return new GpgHome(gpg, home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path home() {
    return home;
  }

  /** Generates a key; returns its user id (an e-mail address). */
  public String generateKey(String email, KeyType type, String passphrase) {
    String params =
        (type == KeyType.RSA
                ? "Key-Type: RSA\n"
                    + "Key-Length: 3072\n"
                    + "Key-Usage: sign\n"
                    + "Subkey-Type: RSA\n"
                    + "Subkey-Length: 3072\n"
                    + "Subkey-Usage: encrypt\n"
                : "Key-Type: EDDSA\n"
                    + "Key-Curve: ed25519\n"
                    + "Key-Usage: sign\n"
                    + "Subkey-Type: ECDH\n"
                    + "Subkey-Curve: cv25519\n"
                    + "Subkey-Usage: encrypt\n")
            + "Name-Real: FlowViz Backup\nName-Email: "
            + email
            + "\nExpire-Date: 0\n"
            + (passphrase == null ? "%no-protection\n" : "Passphrase: " + passphrase + "\n")
            + "%commit\n";
    Path paramFile = home.resolve("keyparams-" + System.nanoTime());
    try {
      Files.writeString(paramFile, params);
      run(null, "--batch", "--pinentry-mode", "loopback", "--gen-key", paramFile.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      paramFile.toFile().delete();
    }
    return email;
  }

  /**
   * An ed25519/cv25519 key made in 2020 that expired a day later, as gpg makes it with a faked
   * clock.
   */
  public String generateExpiredKey(String email) {
    run(
        null,
        "--batch",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--faked-system-time",
        "20200101T000000",
        "--quick-generate-key",
        "FlowViz Backup <" + email + ">",
        "future-default",
        "default",
        "1d");
    return email;
  }

  /** Revokes the key with the revocation certificate gpg wrote when it made the key. */
  public void revokeKey(String email) {
    String fingerprint =
        new String(
                run(null, "--batch", "--with-colons", "--list-keys", email), StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.startsWith("fpr:"))
            .findFirst()
            .orElseThrow()
            .split(":")[9];
    try {
      // gpg prefixes the armor line with ':' so the certificate cannot be imported by accident.
      String certificate =
          Files.readString(home.resolve("openpgp-revocs.d").resolve(fingerprint + ".rev"))
              .replace(
                  ":-----BEGIN PGP PUBLIC KEY BLOCK-----", "-----BEGIN PGP PUBLIC KEY BLOCK-----");
      run(certificate, "--batch", "--import");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] exportPublicKey(String email, boolean armor) {
    return armor
        ? run(null, "--batch", "--armor", "--export", email)
        : run(null, "--batch", "--export", email);
  }

  public byte[] exportSecretKey(String email, String passphrase, boolean armor) {
    List<String> args =
        new ArrayList<>(List.of("--batch", "--pinentry-mode", "loopback", "--passphrase-fd", "0"));
    if (armor) {
      args.add("--armor");
    }
    args.add("--export-secret-keys");
    args.add(email);
    return run(passphrase == null ? "" : passphrase, args.toArray(String[]::new));
  }

  /** {@code gpg --encrypt} with gpg's defaults (compression on), or as the options say. */
  public void encrypt(
      Path plaintext, Path ciphertext, List<String> recipients, boolean armor, boolean compress) {
    List<String> args =
        new ArrayList<>(List.of("--batch", "--yes", "--trust-model", "always", "--encrypt"));
    for (String r : recipients) {
      args.add("--recipient");
      args.add(r);
    }
    if (armor) {
      args.add("--armor");
    }
    if (!compress) {
      args.add("--compress-level");
      args.add("0");
    }
    args.add("--output");
    args.add(ciphertext.toString());
    args.add(plaintext.toString());
    run(null, args.toArray(String[]::new));
  }

  /**
   * {@code gpg --detach-sign} of a file by the given key, as a backup job that signs its output
   * does.
   */
  public void detachSign(
      Path file, Path signature, String signer, String passphrase, boolean armor) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--batch",
                "--yes",
                "--pinentry-mode",
                "loopback",
                "--passphrase-fd",
                "0",
                "--local-user",
                signer,
                "--detach-sign"));
    if (armor) {
      args.add("--armor");
    }
    args.add("--output");
    args.add(signature.toString());
    args.add(file.toString());
    run(passphrase == null ? "" : passphrase, args.toArray(String[]::new));
  }

  /**
   * An unprotected ed25519 signing key made at a past time ({@code 20240101T000000}), as gpg makes
   * it with a faked clock.
   */
  public String generateKeyAt(String email, String fakedTime) {
    run(
        null,
        "--batch",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--faked-system-time",
        fakedTime,
        "--quick-generate-key",
        "FlowViz Backup <" + email + ">",
        "ed25519",
        "sign",
        "0");
    return email;
  }

  /**
   * {@code gpg --detach-sign} as it would have signed at a past time: the signature's creation time
   * is that time.
   */
  public void detachSignAt(Path file, Path signature, String signer, String fakedTime) {
    run(
        "",
        "--batch",
        "--yes",
        "--pinentry-mode",
        "loopback",
        "--passphrase-fd",
        "0",
        "--faked-system-time",
        fakedTime,
        "--local-user",
        signer,
        "--detach-sign",
        "--output",
        signature.toString(),
        file.toString());
  }

  /** {@code gpg --import} of armored exported keys. */
  public void importKeys(byte[] exported) {
    run(new String(exported, StandardCharsets.US_ASCII), "--batch", "--import");
  }

  /**
   * {@code gpg --verify <signature> <file>}, as an operator checks a backup by hand; gpg's status
   * lines, or an AssertionError.
   */
  public String verify(Path signature, Path file) {
    return new String(
        run(
            null,
            "--batch",
            "--status-fd",
            "1",
            "--trust-model",
            "always",
            "--verify",
            signature.toString(),
            file.toString()),
        StandardCharsets.UTF_8);
  }

  /** Plain {@code gpg --decrypt}, as an operator would run it by hand. */
  public void decrypt(Path ciphertext, Path plaintext, String passphrase) {
    run(
        passphrase == null ? "" : passphrase,
        "--batch",
        "--yes",
        "--pinentry-mode",
        "loopback",
        "--passphrase-fd",
        "0",
        "--output",
        plaintext.toString(),
        "--decrypt",
        ciphertext.toString());
  }

  /** The argument list of {@code gpg --encrypt -r <recipient>} reading stdin, for pipelines. */
  public ProcessBuilder encryptFromStdin(String recipient, Path ciphertext) {
    ProcessBuilder builder =
        new ProcessBuilder(
            gpg,
            "--batch",
            "--yes",
            "--trust-model",
            "always",
            "--encrypt",
            "--recipient",
            recipient,
            "--output",
            ciphertext.toString());
    builder.environment().put("GNUPGHOME", home.toString());
    return builder;
  }

  private byte[] run(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(gpg);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("GNUPGHOME", home.toString());
    try {
      Path err = Files.createTempFile(home, "stderr", ".txt");
      builder.redirectError(err.toFile());
      Process p = builder.start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("gpg did not finish: " + command);
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "gpg failed ("
                + p.exitValue()
                + "): "
                + String.join(" ", args)
                + "\n"
                + Files.readString(err));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      ProcessBuilder kill =
          new ProcessBuilder("gpgconf", "--kill", "gpg-agent")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      kill.environment().put("GNUPGHOME", home.toString());
      kill.start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException ignored) {
      // the agent exits by itself when its home disappears
    }
    try (Stream<Path> paths = Files.walk(home)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp directory
    }
  }
}
