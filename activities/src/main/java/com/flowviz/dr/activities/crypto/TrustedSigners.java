package com.flowviz.dr.activities.crypto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.secrets.SecretStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;

/**
 * The public keys whose signatures on backups are trusted, read each time a restore checks one (so
 * a revocation takes effect without restarting workers). Three sources, all optional and combined:
 * a key file as {@code gpg --export --armor} writes it (trusted without a window), and a JSON
 * document of signers with validity windows, from a file or from a Secrets Manager secret:
 *
 * <pre>{@code
 * [{"name": "backup-signing-2026", "publicKey": "-----BEGIN PGP PUBLIC KEY BLOCK-----...",
 *   "notBefore": "2026-01-01T00:00:00Z", "notAfter": null, "revokedAt": null}]
 * }</pre>
 */
public final class TrustedSigners {

  /**
   * Why the configured signers cannot be read: nothing can be proven authentic until it is fixed.
   */
  public static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Entry(
      String name, String publicKey, String notBefore, String notAfter, String revokedAt) {}

  private final Path keyFile;
  private final Path windowsFile;
  private final String secretId;
  private final Supplier<SecretStore> secrets;

  /**
   * @param keyFile public keys trusted at any time; null for none
   * @param windowsFile JSON signers with windows; null for none
   * @param secretId JSON signers with windows in the secret store; null for none
   */
  public TrustedSigners(
      Path keyFile, Path windowsFile, String secretId, Supplier<SecretStore> secrets) {
    this.keyFile = keyFile;
    this.windowsFile = windowsFile;
    this.secretId = secretId == null || secretId.isBlank() ? null : secretId;
    this.secrets = secrets;
  }

  public static TrustedSigners none() {
    return new TrustedSigners(null, null, null, null);
  }

  public static TrustedSigners keyFile(Path keyFile) {
    return new TrustedSigners(keyFile, null, null, null);
  }

  /** Whether any source is configured: then every restore proves its backup authentic. */
  public boolean configured() {
    return keyFile != null || windowsFile != null || secretId != null;
  }

  /** Where they come from, for messages. */
  public String describe() {
    List<String> sources = new ArrayList<>();
    if (keyFile != null) {
      sources.add("flowviz.gpg.signer-public-key-file " + keyFile);
    }
    if (windowsFile != null) {
      sources.add("flowviz.gpg.trusted-signers-file " + windowsFile);
    }
    if (secretId != null) {
      sources.add("secret " + secretId + " (flowviz.gpg.trusted-signers-secret-id)");
    }
    return sources.isEmpty() ? "no trusted signers configured" : String.join(", ", sources);
  }

  public List<TrustedSigner> load() throws Unreadable {
    List<TrustedSigner> signers = new ArrayList<>();
    if (keyFile != null) {
      String where = "the signer key file " + keyFile;
      signers.add(
          new TrustedSigner(
              keyFile.getFileName().toString(),
              parseKeys(readFile(keyFile, where), where),
              null,
              null,
              null));
    }
    if (windowsFile != null) {
      String where = "the trusted signers file " + windowsFile;
      signers.addAll(parseEntries(readFile(windowsFile, where), where));
    }
    if (secretId != null) {
      Optional<String> value = secrets.get().read(secretId);
      if (value.isEmpty()) {
        throw new Unreadable(
            "The trusted signers secret "
                + secretId
                + " does not exist. Create it (docs/key-rotation.md) or"
                + " unset flowviz.gpg.trusted-signers-secret-id.");
      }
      signers.addAll(
          parseEntries(
              value.get().getBytes(StandardCharsets.UTF_8),
              "the trusted signers secret " + secretId));
    }
    return signers;
  }

  private static byte[] readFile(Path file, String where) throws Unreadable {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new Unreadable(where + " cannot be read (" + e.getMessage() + ")");
    }
  }

  static List<TrustedSigner> parseEntries(byte[] json, String where) throws Unreadable {
    Entry[] entries;
    try {
      entries = Json.read(json, Entry[].class);
    } catch (IOException e) {
      throw new Unreadable(
          where
              + " is not a JSON list of signers ({\"name\", \"publicKey\", \"notBefore\","
              + " \"notAfter\", \"revokedAt\"}); see docs/key-rotation.md");
    }
    List<TrustedSigner> signers = new ArrayList<>();
    for (Entry e : entries) {
      String name =
          e.name() == null || e.name().isBlank() ? "signer " + (signers.size() + 1) : e.name();
      if (e.publicKey() == null || e.publicKey().isBlank()) {
        throw new Unreadable(
            "Signer \""
                + name
                + "\" in "
                + where
                + " has no publicKey (gpg --export --armor of the signing key)");
      }
      signers.add(
          new TrustedSigner(
              name,
              parseKeys(
                  e.publicKey().getBytes(StandardCharsets.US_ASCII),
                  "signer \"" + name + "\" in " + where),
              instant(e.notBefore(), "notBefore", name, where),
              instant(e.notAfter(), "notAfter", name, where),
              instant(e.revokedAt(), "revokedAt", name, where)));
    }
    return signers;
  }

  private static PGPPublicKeyRingCollection parseKeys(byte[] exported, String where)
      throws Unreadable {
    try {
      var keys = OpenPgpKeys.publicKeys(exported);
      if (keys.size() == 0) {
        throw new Unreadable(where + " holds no OpenPGP public key");
      }
      return keys;
    } catch (IOException | PGPException | RuntimeException e) {
      throw new Unreadable(
          where + " holds no readable OpenPGP public key (" + e.getMessage() + ")");
    }
  }

  private static Instant instant(String value, String field, String name, String where)
      throws Unreadable {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new Unreadable(
          field
              + " of signer \""
              + name
              + "\" in "
              + where
              + " is not an ISO-8601 instant: "
              + value);
    }
  }
}
