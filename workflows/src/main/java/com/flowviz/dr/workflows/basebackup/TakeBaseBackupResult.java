package com.flowviz.dr.workflows.basebackup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.physical.ArchiveExpiry;
import com.flowviz.dr.activities.physical.ArchivingCluster;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;

/**
 * A complete base backup (its flowviz manifest written last) and what the expiry after it did.
 *
 * @param outcome {@value #TAKEN}, or {@value #TAKEN_NOT_EXPIRED} when the backup is complete but
 *     the archive's expiry failed ({@code expiryFailure} says why; the next run expires again)
 * @param archiving the cluster as checked before the backup: identity, settings, archiver state
 * @param prefix {@code base/<system id>/<backup id>/}, where the backup's objects are
 * @param expiry what the expiry kept and removed; null when it failed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record TakeBaseBackupResult(
    String outcome,
    String server,
    String bucket,
    ArchivingCluster archiving,
    String prefix,
    String dataKey,
    String pgManifestKey,
    String manifestKey,
    BaseBackupManifest manifest,
    ArchiveExpiry expiry,
    String expiryFailure,
    Duration elapsed) {

  public static final String TAKEN = "TAKEN";
  public static final String TAKEN_NOT_EXPIRED = "TAKEN_NOT_EXPIRED";

  /** A builder that names every field; unset fields are null. */
  public static TakeBaseBackupResultBuilder builder() {
    return TakeBaseBackupResultBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public TakeBaseBackupResultBuilder toBuilder() {
    return TakeBaseBackupResultBuilder.builder(this);
  }
}
