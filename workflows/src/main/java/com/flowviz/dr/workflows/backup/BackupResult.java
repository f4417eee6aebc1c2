package com.flowviz.dr.workflows.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.RetentionReport;
import java.time.Duration;

/**
 * Where the backup went and what its manifest records.
 *
 * @param retention for weekly backups, the bucket's lifecycle held against runbook section 7
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupResult(
    String bucket,
    String key,
    String manifestKey,
    String storageClass,
    BackupManifest manifest,
    RetentionReport retention,
    Duration elapsed) {}
