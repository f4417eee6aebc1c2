package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * One base backup to take.
 *
 * @param server a registered server name; the backup runs {@code pg_basebackup} against it
 * @param bucket the backup bucket; the backup goes under {@code base/<system id>/<backup id>/}
 * @param systemIdentifier the cluster the workflow checked; a server that answers with another is
 *     refused (it was replaced between the check and the backup)
 * @param storageClass S3 storage class of the data object
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record BaseBackupSpec(
    String server, String bucket, String systemIdentifier, String storageClass) {
  public static BaseBackupSpecBuilder builder() {
    return BaseBackupSpecBuilder.builder();
  }

  public BaseBackupSpecBuilder toBuilder() {
    return BaseBackupSpecBuilder.builder(this);
  }
}
