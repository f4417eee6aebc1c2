package com.flowviz.dr.activities.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.Security;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyFlags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;

/** Reading OpenPGP keys as gpg exports them (armored or binary) and choosing the ones to use. */
public final class OpenPgpKeys {

  /** The Bouncy Castle JCA provider, for the public-key algorithms (RSA, ECDH on Curve25519). */
  public static final String BC = BouncyCastleProvider.PROVIDER_NAME;

  static {
    if (Security.getProvider(BC) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  private OpenPgpKeys() {}

  /** Makes sure the provider is registered (class initialisation does it). */
  public static void init() {}

  /**
   * The JCA provider whose {@code Signature} signs or verifies with a key of this OpenPGP
   * algorithm. An RSA signature hashes every byte of the signed object inside the provider's {@code
   * Signature}, and Bouncy Castle's is plain Java: the JDK's own (SHA-NI intrinsics) is several
   * times faster, and on a base backup that hash was the largest cost. Other algorithms sign a
   * digest computed outside the {@code Signature} (EdDSA) or are rare here: Bouncy Castle.
   */
  public static String signatureProvider(int publicKeyAlgorithm) {
    return switch (publicKeyAlgorithm) {
      case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN -> "SunRsaSign";
      default -> BC;
    };
  }

  /**
   * The digests of a passphrase's S2K (unlocking a secret key): whichever registered provider
   * offers the algorithm first, the JDK's for SHA-1 and SHA-2 (SHA-NI intrinsics), Bouncy Castle
   * for the rest (RIPEMD-160 of old keys). gpg's iterated S2K hashes tens of megabytes per unlock;
   * in Bouncy Castle's Java SHA-1 each unlock of the signing key cost about 0.3 s, a third of a
   * base backup's JVM profile (docs/benchmarks.md).
   */
  public static PGPDigestCalculatorProvider s2kDigests() throws PGPException {
    return new JcaPGPDigestCalculatorProviderBuilder().build();
  }

  public static PGPSecretKeyRingCollection secretKeys(byte[] exported)
      throws IOException, PGPException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(exported))) {
      return new PGPSecretKeyRingCollection(in, new JcaKeyFingerprintCalculator());
    }
  }

  public static PGPPublicKeyRingCollection publicKeys(byte[] exported)
      throws IOException, PGPException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(exported))) {
      return new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
    }
  }

  /**
   * For each key ring, the newest subkey (or primary key) that may encrypt now: not revoked, not
   * expired, flagged for encryption. The same choice gpg makes for {@code -r}.
   */
  public static List<PGPPublicKey> encryptionKeys(PGPPublicKeyRingCollection rings, Date now) {
    List<PGPPublicKey> chosen = new ArrayList<>();
    for (PGPPublicKeyRing ring : rings) {
      if (!usable(ring.getPublicKey(), now)) {
        continue; // a revoked or expired primary key takes its subkeys with it, as in gpg
      }
      PGPPublicKey best = null;
      for (PGPPublicKey key : ring) {
        if (canEncrypt(key, now)
            && (best == null || key.getCreationTime().after(best.getCreationTime()))) {
          best = key;
        }
      }
      if (best != null) {
        chosen.add(best);
      }
    }
    return chosen;
  }

  /**
   * Why no key of these rings may encrypt now, for an operator: revoked, expired (since when) or no
   * encryption key.
   */
  public static String whyNoneCanEncrypt(PGPPublicKeyRingCollection rings, Date now) {
    List<String> reasons = new ArrayList<>();
    for (PGPPublicKeyRing ring : rings) {
      PGPPublicKey primary = ring.getPublicKey();
      String who = fingerprint(primary) + userIds(primary);
      if (primary.hasRevocation()) {
        reasons.add(who + " is revoked");
      } else if (expiry(primary) != null && expiry(primary).before(now)) {
        reasons.add(who + " expired on " + expiry(primary).toInstant());
      } else {
        reasons.add(who + " has no encryption subkey that is valid now");
      }
    }
    return String.join("; ", reasons);
  }

  private static String userIds(PGPPublicKey key) {
    Iterator<String> ids = key.getUserIDs();
    return ids.hasNext() ? " (" + ids.next() + ")" : "";
  }

  private static Date expiry(PGPPublicKey key) {
    long validSeconds = key.getValidSeconds();
    return validSeconds > 0
        ? new Date(key.getCreationTime().getTime() + validSeconds * 1000)
        : null;
  }

  private static boolean usable(PGPPublicKey key, Date now) {
    return !key.hasRevocation() && (expiry(key) == null || !expiry(key).before(now));
  }

  static boolean canEncrypt(PGPPublicKey key, Date now) {
    if (!key.isEncryptionKey() || !usable(key, now)) {
      return false;
    }
    Integer flags = keyFlags(key);
    return flags == null
        || (flags & (PGPKeyFlags.CAN_ENCRYPT_COMMS | PGPKeyFlags.CAN_ENCRYPT_STORAGE)) != 0;
  }

  /** Key flags from the key's self-signatures or binding signature; null when none states them. */
  private static Integer keyFlags(PGPPublicKey key) {
    Iterator<PGPSignature> signatures = key.getSignatures();
    while (signatures.hasNext()) {
      PGPSignature signature = signatures.next();
      PGPSignatureSubpacketVector hashed = signature.getHashedSubPackets();
      if (hashed != null && hashed.getKeyFlags() != 0) {
        return hashed.getKeyFlags();
      }
    }
    return null;
  }

  public static String keyId(long id) {
    return String.format("%016X", id);
  }

  public static String fingerprint(PGPPublicKey key) {
    return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
  }
}
