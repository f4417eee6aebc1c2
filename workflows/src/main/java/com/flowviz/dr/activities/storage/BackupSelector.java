package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * Which backup to restore: an explicit key, or the newest under a prefix, optionally the newest
 * taken strictly before an instant (the point-in-time choice for corruption and deletion).
 *
 * @param key an object key, or null for "the newest under {@code prefix}"
 * @param region the bucket's AWS region (the DR region's bucket, say), or null for the worker's default
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupSelector(String bucket, String prefix, String key, Instant takenBefore, String region) {

  public BackupSelector(String bucket, String prefix, String key, Instant takenBefore) {
    this(bucket, prefix, key, takenBefore, null);
  }

  public boolean explicitKey() {
    return key != null;
  }

  public String describe() {
    if (key != null) {
      return "s3://" + bucket + "/" + key;
    }
    return "newest backup under s3://" + bucket + "/" + prefix + (takenBefore == null ? "" : " taken before " + takenBefore);
  }
}
