package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * One encrypted backup in the backup store.
 *
 * @param takenAt when the backup was taken: from the key's timestamp where it follows the
 *     runbook's naming ({@code flowviz_daily_YYYYMMDD_HHMMSS}), else the object's last modification
 * @param storageClass S3 storage class (STANDARD, GLACIER, DEEP_ARCHIVE, ...)
 * @param etag the object's entity tag, so a resumed download reads the same object
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupObject(
    String bucket,
    String key,
    Instant takenAt,
    Instant lastModified,
    long sizeBytes,
    String storageClass,
    String etag) {

  public String uri() {
    return "s3://" + bucket + "/" + key;
  }
}
