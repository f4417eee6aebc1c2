package com.flowviz.dr.activities.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/** Verifies a detached OpenPGP signature (binary or armored) over a file. */
public final class DetachedSignature {

  /** Why a signature was refused. */
  public static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }
  }

  /** A signature that verified, by a signer trusted when it was made. */
  public record Verified(String keyId, String signerName, Instant signedAt) {}

  private interface Content {
    InputStream open() throws IOException;
  }

  private DetachedSignature() {}

  /** Returns the id of the signer key whose signature verified. */
  static String verify(
      Path file, byte[] signature, PGPPublicKeyRingCollection signers, Runnable progress)
      throws Invalid, IOException {
    return verify(
            file,
            signature,
            List.of(new TrustedSigner("signer keys", signers, null, null, null)),
            progress)
        .keyId();
  }

  /** Checks the signature over the file, and that its signer was trusted when it was made. */
  static Verified verify(
      Path file, byte[] signature, List<TrustedSigner> signers, Runnable progress)
      throws Invalid, IOException {
    return verify(() -> Files.newInputStream(file), signature, signers, progress);
  }

  public static Verified verify(byte[] content, byte[] signature, List<TrustedSigner> signers)
      throws Invalid, IOException {
    return verify(() -> new ByteArrayInputStream(content), signature, signers, () -> {});
  }

  private static Verified verify(
      Content content, byte[] signature, List<TrustedSigner> signers, Runnable progress)
      throws Invalid, IOException {
    OpenPgpKeys.init();
    PGPSignatureList signatures = read(signature);
    String unknown = null;
    for (PGPSignature candidate : signatures) {
      List<TrustedSigner> holders = new ArrayList<>();
      PGPPublicKey key = null;
      for (TrustedSigner signer : signers) {
        PGPPublicKey k = signer.key(candidate.getKeyID());
        if (k != null) {
          key = k;
          holders.add(signer);
        }
      }
      if (key == null) {
        unknown = OpenPgpKeys.keyId(candidate.getKeyID());
        continue;
      }
      if (candidate.getSignatureType() != PGPSignature.BINARY_DOCUMENT
          && candidate.getSignatureType() != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
        throw new Invalid(
            "the signature by key "
                + OpenPgpKeys.keyId(key.getKeyID())
                + " is not a document signature");
      }
      try {
        candidate.init(verifiers(key.getAlgorithm()), key);
      } catch (PGPException e) {
        throw new Invalid("the signature cannot be checked: " + e.getMessage());
      }
      try (InputStream in = content.open()) {
        byte[] buffer = new byte[1 << 16];
        long read = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
          candidate.update(buffer, 0, n);
          if ((read += n) % (64L << 20) < n) {
            progress.run();
          }
        }
      }
      try {
        if (!candidate.verify()) {
          throw new Invalid(
              "the signature by key "
                  + OpenPgpKeys.keyId(key.getKeyID())
                  + " does not match the object's content");
        }
      } catch (PGPException e) {
        throw new Invalid("the signature cannot be checked: " + e.getMessage());
      }
      // The signature is genuine; whether its signer was trusted at the time it was made is the
      // second question.
      Instant signedAt = candidate.getCreationTime().toInstant();
      List<String> why = new ArrayList<>();
      for (TrustedSigner signer : holders) {
        String refusal = signer.whyNotTrustedAt(signedAt);
        if (refusal == null) {
          return new Verified(OpenPgpKeys.keyId(key.getKeyID()), signer.name(), signedAt);
        }
        why.add(refusal);
      }
      throw new Invalid(
          "key "
              + OpenPgpKeys.keyId(key.getKeyID())
              + " was not trusted when it signed: "
              + String.join("; ", why));
    }
    throw new Invalid(
        unknown == null
            ? "the signature file holds no signature"
            : "it is signed by key " + unknown + ", which is not among the trusted signer keys");
  }

  /**
   * An RSA signature is checked by the JDK's providers, found in their registered order (the JDK's
   * come before Bouncy Castle's): the verifier's Signature hashes every byte of the object, and the
   * JDK's SHA-256 uses the CPU's SHA extensions. Others stay with Bouncy Castle.
   */
  private static JcaPGPContentVerifierBuilderProvider verifiers(int publicKeyAlgorithm) {
    JcaPGPContentVerifierBuilderProvider verifiers = new JcaPGPContentVerifierBuilderProvider();
    return OpenPgpKeys.signatureProvider(publicKeyAlgorithm).equals(OpenPgpKeys.BC)
        ? verifiers.setProvider(OpenPgpKeys.BC)
        : verifiers;
  }

  private static PGPSignatureList read(byte[] signature) throws Invalid {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(signature))) {
      Object packet = new JcaPGPObjectFactory(in).nextObject();
      if (packet instanceof PGPSignatureList list) {
        return list;
      }
      throw new Invalid("the signature file is not an OpenPGP signature");
    } catch (IOException | RuntimeException e) {
      throw new Invalid("the signature file is not an OpenPGP signature (" + e.getMessage() + ")");
    }
  }
}
