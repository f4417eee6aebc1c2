package com.flowviz.dr.activities.crypto;

import java.time.Instant;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;

/**
 * A public key whose signatures on backups are trusted, and when. A signature counts only if it was
 * made inside the window: from {@code notBefore}, up to {@code notAfter} (a retired key still
 * vouches for what it signed while it was current) and strictly before {@code revokedAt} (a key
 * taken in a breach vouches for nothing signed after it was revoked).
 *
 * @param name how the operator calls the key, for messages (e.g. "backup-signing-2026")
 * @param notBefore null: from the beginning
 * @param notAfter null: open-ended
 * @param revokedAt null: not revoked
 */
public record TrustedSigner(
    String name,
    PGPPublicKeyRingCollection keys,
    Instant notBefore,
    Instant notAfter,
    Instant revokedAt) {

  public PGPPublicKey key(long keyId) {
    return keys.getPublicKey(keyId);
  }

  /** Null when a signature made at {@code signedAt} is trusted; else why not, for the operator. */
  public String whyNotTrustedAt(Instant signedAt) {
    if (revokedAt != null && !signedAt.isBefore(revokedAt)) {
      return "the signature was made at "
          + signedAt
          + ", after signer \""
          + name
          + "\" was revoked ("
          + revokedAt
          + ")";
    }
    if (notBefore != null && signedAt.isBefore(notBefore)) {
      return "the signature was made at "
          + signedAt
          + ", before signer \""
          + name
          + "\" was trusted (not before "
          + notBefore
          + ")";
    }
    if (notAfter != null && signedAt.isAfter(notAfter)) {
      return "the signature was made at "
          + signedAt
          + ", after signer \""
          + name
          + "\" was retired (not after "
          + notAfter
          + ")";
    }
    return null;
  }
}
