package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Which base backup a point-in-time recovery starts from.
 *
 * @param bucket the backup bucket holding {@code base/} and {@code wal/}
 * @param systemIdentifier the cluster whose archive is read; null: the bucket's only cluster
 * @param target where recovery stops
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RecoveryChoiceSpec(String bucket, String systemIdentifier, RecoveryTarget target) {
  public static RecoveryChoiceSpecBuilder builder() {
    return RecoveryChoiceSpecBuilder.builder();
  }

  public RecoveryChoiceSpecBuilder toBuilder() {
    return RecoveryChoiceSpecBuilder.builder(this);
  }
}
