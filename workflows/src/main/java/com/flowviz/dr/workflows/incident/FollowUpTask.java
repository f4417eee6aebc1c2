package com.flowviz.dr.workflows.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.time.Instant;

/**
 * One post-recovery task of runbook 6.2 or 6.3, with its deadline, and who acknowledged it.
 *
 * @param window "24h" (6.2) or "7d" (6.3 compliance)
 * @param hint what the incident already knows for it (the data gap, the RPO gap, the report)
 * @param escalations how many escalations went out after the deadline passed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record FollowUpTask(
    String id,
    String title,
    String window,
    String hint,
    Instant deadline,
    Instant remindedAt,
    int escalations,
    Instant lastEscalatedAt,
    String acknowledgedBy,
    Instant acknowledgedAt,
    String note) {

  /** A builder that names every field; unset fields are null (0 escalations). */
  public static FollowUpTaskBuilder builder() {
    return FollowUpTaskBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public FollowUpTaskBuilder toBuilder() {
    return FollowUpTaskBuilder.builder(this);
  }

  public boolean acknowledged() {
    return acknowledgedBy != null;
  }

  /** When a reminder is due: a quarter of the window before the deadline. */
  public Instant reminderAt() {
    return deadline.minus("24h".equals(window) ? Duration.ofHours(6) : Duration.ofDays(1));
  }

  FollowUpTask reminded(Instant at) {
    return toBuilder().remindedAt(at).build();
  }

  FollowUpTask escalated(Instant at) {
    return toBuilder().escalations(escalations + 1).lastEscalatedAt(at).build();
  }

  FollowUpTask acknowledge(String by, Instant at, String withNote) {
    return toBuilder().acknowledgedBy(by).acknowledgedAt(at).note(withNote).build();
  }
}
