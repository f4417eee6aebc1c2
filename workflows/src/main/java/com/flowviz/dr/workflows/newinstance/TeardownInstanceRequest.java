package com.flowviz.dr.workflows.newinstance;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * @param instanceName an instance made by RestoreToNewInstance (its result names it)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record TeardownInstanceRequest(
    String instanceName, String region, String operator, String reason) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static TeardownInstanceRequestBuilder builder() {
    return TeardownInstanceRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public TeardownInstanceRequestBuilder toBuilder() {
    return TeardownInstanceRequestBuilder.builder(this);
  }
}
