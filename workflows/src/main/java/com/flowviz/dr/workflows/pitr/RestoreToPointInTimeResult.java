package com.flowviz.dr.workflows.pitr;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.physical.BaseBackupRestored;
import com.flowviz.dr.activities.physical.RecoveryChoice;
import com.flowviz.dr.activities.physical.RecoveryReached;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;

/**
 * A recovered instance: where it runs, which base backup and WAL it came from, and where recovery
 * stopped in PostgreSQL's own words.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RestoreToPointInTimeResult(
    String instance,
    String target,
    RecoveryChoice choice,
    BaseBackupRestored restored,
    RecoveryReached reached,
    Duration elapsed) {
  public static RestoreToPointInTimeResultBuilder builder() {
    return RestoreToPointInTimeResultBuilder.builder();
  }

  public RestoreToPointInTimeResultBuilder toBuilder() {
    return RestoreToPointInTimeResultBuilder.builder(this);
  }
}
