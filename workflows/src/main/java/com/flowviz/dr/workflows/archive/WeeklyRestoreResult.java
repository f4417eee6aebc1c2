package com.flowviz.dr.workflows.archive;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.util.List;

/** The retrieval, the wait, and the 4.1 restore that followed. */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record WeeklyRestoreResult(
    String targetDatabase,
    RetrievalWait retrieval,
    Duration waited,
    RestoreResult restore,
    List<StepRecord> steps,
    Duration elapsed) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static WeeklyRestoreResultBuilder builder() {
    return WeeklyRestoreResultBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public WeeklyRestoreResultBuilder toBuilder() {
    return WeeklyRestoreResultBuilder.builder(this);
  }
}
