package com.flowviz.dr.workflows.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;
import java.util.List;

/**
 * Input of the follow-up workflow: the incident, when it was recovered (the deadlines count from
 * then), and, after a continue-as-new, the tasks as they stand.
 *
 * @param escalationRepeat ISO-8601 duration between escalations once a deadline has passed, default
 *     P1D
 * @param tasks null to start the runbook's tasks afresh
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record FollowUpRequest(
    String incidentId,
    String scenario,
    String operator,
    Instant recoveredAt,
    String dataGapSummary,
    String rpoSummary,
    String reportUri,
    String escalationRepeat,
    List<FollowUpTask> tasks) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static FollowUpRequestBuilder builder() {
    return FollowUpRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public FollowUpRequestBuilder toBuilder() {
    return FollowUpRequestBuilder.builder(this);
  }

  FollowUpRequest withTasks(List<FollowUpTask> current) {
    return toBuilder().tasks(current).build();
  }
}
