package com.flowviz.dr.workflows.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Input of the backup workflow; every field may be left out.
 *
 * <pre>{@code {"sourceDatabase": "flowviz", "kind": "weekly", "operator": "backup-schedule"}}</pre>
 *
 * @param sourceDatabase default {@code flowviz}
 * @param bucket default {@code flowviz-backups}
 * @param kind "daily" (default): {@code daily/<db>_daily_YYYYMMDD_HHMMSS.dump.gpg}; "weekly":
 *     {@code weekly/<db>_weekly_YYYYMMDD.dump.gpg}, kept 7 years for HACCP (runbook section 7)
 * @param storageClass S3 storage class of the object; default STANDARD for daily backups and
 *     DEEP_ARCHIVE for weekly ones
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record BackupRequest(
    String sourceDatabase,
    String bucket,
    String operator,
    String reason,
    String kind,
    String storageClass) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static BackupRequestBuilder builder() {
    return BackupRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public BackupRequestBuilder toBuilder() {
    return BackupRequestBuilder.builder(this);
  }
}
