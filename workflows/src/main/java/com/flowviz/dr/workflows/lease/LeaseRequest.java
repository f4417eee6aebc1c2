package com.flowviz.dr.workflows.lease;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * What a lease covers and who took it, for people reading the lease workflow in the UI.
 *
 * @param server the server as the lease id names it ("default": the worker's own)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record LeaseRequest(
    String server, String database, String holderWorkflowId, String procedure) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static LeaseRequestBuilder builder() {
    return LeaseRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public LeaseRequestBuilder toBuilder() {
    return LeaseRequestBuilder.builder(this);
  }
}
