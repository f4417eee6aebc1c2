package com.flowviz.dr.activities.crypto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The plaintext pg_dump archive in the work directory (mode 0600), and what its header says.
 *
 * @param archiveVersion the custom-format version, e.g. "1.14" (pg_dump 15) or "1.16" (pg_dump 17)
 * @param dumpedFromVersion the server the archive was taken from, e.g. "15.8"
 * @param decryptionKeyId the OpenPGP key id (hex) that opened the session key; not secret
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DecryptedBackup(
    String key,
    String path,
    long bytes,
    String archiveVersion,
    String dumpedFromVersion,
    String decryptionKeyId,
    boolean wasCompressed) {}
