package com.flowviz.dr.activities.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * Where a backup comes from and where it goes; the key is fixed by the workflow, so a retry
 * overwrites, never duplicates.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupSpec(
    String sourceDatabase, String bucket, String key, String storageClass, Instant takenAt) {}
