package com.flowviz.dr.activities.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.storage.BackupManifest;

/** The stored backup and its manifest. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupTaken(
    String bucket, String key, String manifestKey, BackupManifest manifest, long millis) {}
