package com.flowviz.dr.activities.crypto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The detached OpenPGP signature of a backup ({@code <key>.sig}), checked against the configured
 * signer keys.
 *
 * @param signed a signature object exists beside the backup
 * @param signerKeyId the key that made the signature, when it verified
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SignatureCheck(boolean signed, boolean verified, String signatureKey, String signerKeyId) {}
