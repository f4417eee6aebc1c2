package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * A complete base backup: its objects are in the bucket and its flowviz manifest was written last.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record BaseBackupTaken(
    String bucket,
    String prefix,
    String dataKey,
    String pgManifestKey,
    String manifestKey,
    BaseBackupManifest manifest,
    long millis) {
  public static BaseBackupTakenBuilder builder() {
    return BaseBackupTakenBuilder.builder();
  }

  public BaseBackupTakenBuilder toBuilder() {
    return BaseBackupTakenBuilder.builder(this);
  }
}
