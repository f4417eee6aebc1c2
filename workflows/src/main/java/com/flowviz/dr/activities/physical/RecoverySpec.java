package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Recovers a restored instance to its target and promotes it.
 *
 * @param instance as in {@link BaseBackupRestoreSpec}, restored and not yet started
 * @param sourceServer the registered server whose archive this is ("production" when null): the
 *     copy keeps its roles, so the worker reaches the copy with that server's role and password
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RecoverySpec(String instance, RecoveryTarget target, String sourceServer) {
  public static RecoverySpecBuilder builder() {
    return RecoverySpecBuilder.builder();
  }

  public RecoverySpecBuilder toBuilder() {
    return RecoverySpecBuilder.builder(this);
  }
}
