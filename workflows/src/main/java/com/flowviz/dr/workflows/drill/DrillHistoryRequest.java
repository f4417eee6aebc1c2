package com.flowviz.dr.workflows.drill;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * @param limit how many of the newest drills, default 10, at most 500
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record DrillHistoryRequest(Integer limit) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static DrillHistoryRequestBuilder builder() {
    return DrillHistoryRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public DrillHistoryRequestBuilder toBuilder() {
    return DrillHistoryRequestBuilder.builder(this);
  }
}
