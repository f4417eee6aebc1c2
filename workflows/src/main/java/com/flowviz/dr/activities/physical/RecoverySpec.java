package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Recovers a restored instance to its target and promotes it.
 *
 * @param instance as in {@link BaseBackupRestoreSpec}, restored and not yet started
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RecoverySpec(String instance, RecoveryTarget target) {
  public static RecoverySpecBuilder builder() {
    return RecoverySpecBuilder.builder();
  }

  public RecoverySpecBuilder toBuilder() {
    return RecoverySpecBuilder.builder(this);
  }
}
