package com.flowviz.dr.workflows.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

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
public record BackupRequest(
    String sourceDatabase,
    String bucket,
    String operator,
    String reason,
    String kind,
    String storageClass) {

  public BackupRequest(String sourceDatabase, String bucket, String operator, String reason) {
    this(sourceDatabase, bucket, operator, reason, null, null);
  }
}
