package com.flowviz.dr.activities.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/** Verifies a detached OpenPGP signature (binary or armored) over a file. */
final class DetachedSignature {

  /** Why a signature was refused. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }
  }

  private DetachedSignature() {}

  /** Returns the id of the signer key whose signature verified. */
  static String verify(Path file, byte[] signature, PGPPublicKeyRingCollection signers, Runnable progress) throws Invalid, IOException {
    OpenPgpKeys.init();
    PGPSignatureList signatures = read(signature);
    String unknown = null;
    for (PGPSignature candidate : signatures) {
      PGPPublicKey key = signerKey(signers, candidate.getKeyID());
      if (key == null) {
        unknown = OpenPgpKeys.keyId(candidate.getKeyID());
        continue;
      }
      try {
        candidate.init(new JcaPGPContentVerifierBuilderProvider().setProvider(OpenPgpKeys.BC), key);
      } catch (PGPException e) {
        throw new Invalid("the signature cannot be checked: " + e.getMessage());
      }
      try (InputStream in = Files.newInputStream(file)) {
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
        if (candidate.verify()) {
          return OpenPgpKeys.keyId(key.getKeyID());
        }
      } catch (PGPException e) {
        throw new Invalid("the signature cannot be checked: " + e.getMessage());
      }
      throw new Invalid("the signature by key " + OpenPgpKeys.keyId(key.getKeyID()) + " does not match the object's content");
    }
    throw new Invalid(unknown == null
        ? "the signature file holds no signature"
        : "it is signed by key " + unknown + ", which is not among the trusted signer keys");
  }

  private static PGPPublicKey signerKey(PGPPublicKeyRingCollection signers, long keyId) {
    return signers.getPublicKey(keyId);
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
