package com.flowviz.dr.workflows.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.RetentionReport;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;

/**
 * Where the backup went and what its manifest records.
 *
 * @param retention for weekly backups, the bucket's lifecycle held against runbook section 7
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record BackupResult(
    String bucket,
    String key,
    String manifestKey,
    String storageClass,
    BackupManifest manifest,
    RetentionReport retention,
    Duration elapsed) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static BackupResultBuilder builder() {
    return BackupResultBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public BackupResultBuilder toBuilder() {
    return BackupResultBuilder.builder(this);
  }
}
