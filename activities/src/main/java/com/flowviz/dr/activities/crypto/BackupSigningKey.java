package com.flowviz.dr.activities.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.secrets.SecretStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;

/**
 * The key flowviz-dr signs its backups with, from the secret store: the armored secret key as
 * {@code gpg --export-secret-keys --armor} writes it (or {@code {"privateKey", "passphrase"}}), its
 * passphrase in a second secret. Read for each backup and never kept, logged or returned; except by
 * a resident WAL archiver ({@code flowviz-wal serve}), which keeps the unlocked key in its memory
 * for a while: unlocking it (the passphrase's iterated S2K hashing) is the largest part of a WAL
 * push's CPU (docs/benchmarks.md), and that process holds the key either way while it runs.
 */
public final class BackupSigningKey {

  public static final String DEFAULT_KEY_SECRET = "flowviz/backup/signing-key";
  public static final String DEFAULT_PASSPHRASE_SECRET = "flowviz/backup/signing-key-passphrase";

  private final SecretStore secrets;
  private final String keySecretId;
  private final String passphraseSecretId;

  /** How long an unlocked key is reused; null: read and unlock it for every signature. */
  private final Duration keepUnlocked;

  private Unlocked unlocked;

  private record Unlocked(PGPPublicKey publicKey, PGPPrivateKey privateKey, long untilNanos) {}

  public BackupSigningKey(SecretStore secrets, String keySecretId, String passphraseSecretId) {
    this(secrets, keySecretId, passphraseSecretId, null);
  }

  /**
   * @param keepUnlocked reuse the unlocked key for this long (then read the secret again, so a
   *     rotated key is picked up); only for a long-running process that signs many small objects
   */
  public BackupSigningKey(
      SecretStore secrets, String keySecretId, String passphraseSecretId, Duration keepUnlocked) {
    this.secrets = secrets;
    this.keySecretId = keySecretId;
    this.passphraseSecretId = passphraseSecretId;
    this.keepUnlocked = keepUnlocked;
  }

  /** A signature being computed over one object's bytes, as {@code gpg --detach-sign} makes it. */
  public static final class Signing {
    private final PGPSignatureGenerator generator;

    private Signing(PGPSignatureGenerator generator) {
      this.generator = generator;
    }

    public void update(byte[] b, int off, int len) {
      generator.update(b, off, len);
    }

    /** The binary signature packet: what {@code gpg --verify <key>.sig <key>} reads. */
    public byte[] finish() {
      try {
        return generator.generate().getEncoded();
      } catch (PGPException | IOException e) {
        throw new IllegalStateException("Cannot finish the backup signature: " + e.getMessage(), e);
      }
    }
  }

  /** Unlocks the signing key and starts a signature; the key lives only in the returned object. */
  public Signing start() throws PrivateKeySource.KeyUnavailableException {
    OpenPgpKeys.init();
    if (keepUnlocked != null) {
      Unlocked kept;
      synchronized (this) {
        kept = unlocked;
      }
      if (kept != null && System.nanoTime() - kept.untilNanos() < 0) {
        try {
          return signing(kept.publicKey(), kept.privateKey());
        } catch (PGPException e) {
          throw new PrivateKeySource.KeyUnavailableException(
              "The signing key in " + keySecretId + " cannot sign: " + e.getMessage());
        }
      }
    }
    String armored =
        secrets
            .read(keySecretId)
            .orElseThrow(
                () ->
                    new PrivateKeySource.KeyUnavailableException(
                        "The backup signing key secret "
                            + keySecretId
                            + " does not exist, and flowviz-dr signs every backup it takes. Create"
                            + " a signing key and store it there (docs/key-rotation.md), or point"
                            + " flowviz.gpg.signing-key-secret-id at it."));
    char[] passphrase = null;
    if (armored.startsWith("{")) {
      try {
        JsonNode node = Json.MAPPER.readTree(armored);
        armored = node.path("privateKey").asText("");
        passphrase =
            node.hasNonNull("passphrase") ? node.get("passphrase").asText().toCharArray() : null;
      } catch (IOException e) {
        throw new PrivateKeySource.KeyUnavailableException(
            "The signing key secret " + keySecretId + " starts with '{' but is not valid JSON.");
      }
    } else if (passphraseSecretId != null && !passphraseSecretId.isBlank()) {
      Optional<String> stored = secrets.read(passphraseSecretId);
      passphrase = stored.map(p -> p.strip().toCharArray()).orElse(null);
    }
    try {
      PGPSecretKey secret = signingKey(armored.getBytes(StandardCharsets.US_ASCII));
      PGPPrivateKey privateKey;
      try {
        privateKey =
            secret.extractPrivateKey(
                new JcePBESecretKeyDecryptorBuilder(OpenPgpKeys.s2kDigests())
                    .setProvider(OpenPgpKeys.BC)
                    .build(passphrase == null ? new char[0] : passphrase));
      } catch (PGPException e) {
        throw new PrivateKeySource.KeyUnavailableException(
            "The signing key in "
                + keySecretId
                + " cannot be unlocked: the passphrase"
                + " (secret "
                + passphraseSecretId
                + ") is missing or wrong.");
      }
      if (keepUnlocked != null) {
        synchronized (this) {
          unlocked =
              new Unlocked(
                  secret.getPublicKey(), privateKey, System.nanoTime() + keepUnlocked.toNanos());
        }
      }
      return signing(secret.getPublicKey(), privateKey);
    } catch (PGPException e) {
      throw new PrivateKeySource.KeyUnavailableException(
          "The signing key in " + keySecretId + " cannot sign: " + e.getMessage());
    } finally {
      if (passphrase != null) {
        Arrays.fill(passphrase, '\0');
      }
    }
  }

  private static Signing signing(PGPPublicKey publicKey, PGPPrivateKey privateKey)
      throws PGPException {
    PGPSignatureGenerator generator =
        new PGPSignatureGenerator(
            new JcaPGPContentSignerBuilder(publicKey.getAlgorithm(), HashAlgorithmTags.SHA256)
                .setProvider(OpenPgpKeys.signatureProvider(publicKey.getAlgorithm()))
                // Both hashes over every byte signed (the Signature's and the digest that gives
                // the packet its hash prefix) from the JDK: Bouncy Castle's Java SHA-256 was two
                // thirds of a base backup's JVM profile.
                .setDigestProvider("SUN"),
            publicKey);
    generator.init(PGPSignature.BINARY_DOCUMENT, privateKey);
    return new Signing(generator);
  }

  private PGPSecretKey signingKey(byte[] exported) throws PrivateKeySource.KeyUnavailableException {
    try {
      for (PGPSecretKeyRing ring : OpenPgpKeys.secretKeys(exported)) {
        for (PGPSecretKey key : ring) {
          if (key.isSigningKey()
              && !key.isPrivateKeyEmpty()
              && !key.getPublicKey().hasRevocation()) {
            return key;
          }
        }
      }
    } catch (IOException | PGPException | RuntimeException e) {
      throw new PrivateKeySource.KeyUnavailableException(
          "The secret "
              + keySecretId
              + " holds no OpenPGP secret key"
              + " (gpg --export-secret-keys --armor).");
    }
    throw new PrivateKeySource.KeyUnavailableException(
        "The secret " + keySecretId + " holds no key that can sign.");
  }

  public String describe() {
    return "secret " + keySecretId;
  }
}
