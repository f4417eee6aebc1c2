package com.flowviz.dr.workflows.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * @param limit at most this many, newest first; default 20
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ListBackupsRequest(String bucket, String prefix, Integer limit) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static ListBackupsRequestBuilder builder() {
    return ListBackupsRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public ListBackupsRequestBuilder toBuilder() {
    return ListBackupsRequestBuilder.builder(this);
  }
}
