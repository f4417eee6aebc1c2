package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The encrypted backup, copied to the work directory of the host that runs the restore.
 *
 * @param path local path of the ciphertext (mode 0600, in a private directory)
 * @param sha256 hex SHA-256 of the bytes downloaded, to compare with the manifest
 * @param resumedFromOffset where this attempt resumed a download an earlier attempt began
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DownloadedBackup(
    String key, String path, long bytes, String sha256, long resumedFromOffset) {}
