package com.flowviz.dr.activities.storage;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The backup store: S3 (or a local directory with the same key layout). */
@ActivityInterface
public interface BackupStorageActivities {

  /**
   * Finds the backup the selector names. Fails without retry when there is none, naming what the
   * store does hold.
   */
  @ActivityMethod
  BackupObject resolveBackup(BackupSelector selector);

  /**
   * The newest backup under a prefix of a bucket in a region, for a freshness check. Never fails
   * for an unreachable bucket (the primary region may be down): it reports it.
   */
  @ActivityMethod
  BucketFreshness newestBackup(String bucket, String region, String prefix);

  /** Newest first. */
  @ActivityMethod
  List<BackupObject> listBackups(String bucket, String prefix, int limit);

  /** The manifest stored beside a backup, or null when the backup has none (e.g. made by hand). */
  @ActivityMethod
  BackupManifest readManifest(BackupObject backup);

  /**
   * Copies the encrypted object into this host's work directory, resuming from the last heartbeated
   * offset when an earlier attempt was interrupted. Runs on the host queue.
   */
  @ActivityMethod
  DownloadedBackup downloadBackup(BackupObject backup);
}
