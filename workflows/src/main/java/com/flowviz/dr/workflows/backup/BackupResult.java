package com.flowviz.dr.workflows.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.storage.BackupManifest;
import java.time.Duration;

/** Where the backup went and what its manifest records. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupResult(String bucket, String key, String manifestKey, BackupManifest manifest, Duration elapsed) {}
