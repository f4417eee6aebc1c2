package com.flowviz.dr.activities.crypto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * The detached OpenPGP signature of a backup ({@code <key>.sig}), checked against the configured
 * signer keys.
 *
 * @param signed a signature object exists beside the backup
 * @param signerKeyId the key that made the signature, when it verified
 * @param signerName the trusted signer that key belongs to (its name in the configuration)
 * @param signedAt when the signature says it was made: what the signer's validity window is judged
 *     by
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SignatureCheck(
    boolean signed,
    boolean verified,
    String signatureKey,
    String signerKeyId,
    String signerName,
    Instant signedAt) {

  public SignatureCheck(boolean signed, boolean verified, String signatureKey, String signerKeyId) {
    this(signed, verified, signatureKey, signerKeyId, null, null);
  }
}
