package com.flowviz.dr.workflows.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * @param bucket default flowviz-backups
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RetentionCheckRequest(String bucket) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static RetentionCheckRequestBuilder builder() {
    return RetentionCheckRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public RetentionCheckRequestBuilder toBuilder() {
    return RetentionCheckRequestBuilder.builder(this);
  }
}
