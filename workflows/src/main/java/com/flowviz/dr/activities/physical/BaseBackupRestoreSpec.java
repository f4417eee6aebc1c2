package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * One base backup to lay down as the data directory of a new local instance, with the WAL it will
 * replay fetched into the instance's spool.
 *
 * @param instance the instance's name (a directory under the local provisioner's root); it must not
 *     exist yet, or be one an earlier attempt of this restore left
 * @param backupPrefix {@code base/<system id>/<backup id>/}, as {@link RecoveryChoice} chose
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record BaseBackupRestoreSpec(
    String bucket, String instance, String backupPrefix, BaseBackupManifest manifest) {
  public static BaseBackupRestoreSpecBuilder builder() {
    return BaseBackupRestoreSpecBuilder.builder();
  }

  public BaseBackupRestoreSpecBuilder toBuilder() {
    return BaseBackupRestoreSpecBuilder.builder(this);
  }
}
