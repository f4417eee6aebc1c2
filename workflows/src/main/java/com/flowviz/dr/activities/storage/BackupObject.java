package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * One encrypted backup in the backup store.
 *
 * @param takenAt when the backup was taken: from the key's timestamp where it follows the runbook's
 *     naming ({@code flowviz_daily_YYYYMMDD_HHMMSS}), else the object's last modification
 * @param storageClass S3 storage class (STANDARD, GLACIER, DEEP_ARCHIVE, ...)
 * @param etag the object's entity tag, so a resumed download reads the same object
 * @param region the bucket's AWS region, or null for the worker's default
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupObject(
    String bucket,
    String key,
    Instant takenAt,
    Instant lastModified,
    long sizeBytes,
    String storageClass,
    String etag,
    String region) {

  public BackupObject(
      String bucket,
      String key,
      Instant takenAt,
      Instant lastModified,
      long sizeBytes,
      String storageClass,
      String etag) {
    this(bucket, key, takenAt, lastModified, sizeBytes, storageClass, etag, null);
  }

  public String uri() {
    return "s3://" + bucket + "/" + key;
  }
}
