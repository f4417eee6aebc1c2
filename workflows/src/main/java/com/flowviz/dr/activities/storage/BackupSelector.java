package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * Which backup to restore: an explicit key, or the newest under a prefix, optionally the newest
 * taken strictly before an instant (the point-in-time choice for corruption and deletion).
 *
 * @param key an object key, or null for "the newest under {@code prefix}"
 * @param region the bucket's AWS region (the DR region's bucket, say), or null for the worker's
 *     default
 * @param database the database whose backups are candidates: only keys named {@code
 *     <prefix><database>_daily_YYYYMMDD_HHMMSS.dump.gpg} (or the weekly form) whose manifest, where
 *     there is one, names that source database. Null only in payloads of workflows started before
 *     selection was per database: then any backup-shaped key is a candidate (never a signature,
 *     manifest or globals file).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupSelector(
    String bucket, String prefix, String key, Instant takenBefore, String region, String database) {

  public BackupSelector(
      String bucket, String prefix, String key, Instant takenBefore, String region) {
    this(bucket, prefix, key, takenBefore, region, null);
  }

  public BackupSelector(String bucket, String prefix, String key, Instant takenBefore) {
    this(bucket, prefix, key, takenBefore, null, null);
  }

  /** The same choice among the backups of {@code sourceDatabase} only. */
  public BackupSelector forDatabase(String sourceDatabase) {
    return new BackupSelector(bucket, prefix, key, takenBefore, region, sourceDatabase);
  }

  /** The same choice, among backups taken strictly before {@code instant}: the next older one. */
  public BackupSelector olderThan(Instant instant) {
    return new BackupSelector(bucket, prefix, key, instant, region, database);
  }

  public boolean explicitKey() {
    return key != null;
  }

  public String describe() {
    if (key != null) {
      return "s3://" + bucket + "/" + key;
    }
    return "newest backup "
        + (database == null ? "" : "of " + database + " ")
        + "under s3://"
        + bucket
        + "/"
        + prefix
        + (takenBefore == null ? "" : " taken before " + takenBefore);
  }
}
