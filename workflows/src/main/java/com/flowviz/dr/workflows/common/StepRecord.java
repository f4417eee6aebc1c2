package com.flowviz.dr.workflows.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.time.Instant;

/**
 * One step of a procedure as it happened.
 *
 * @param outcome RUNNING, SUCCEEDED, FAILED, SKIPPED or CANCELLED
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepRecord(
    String step, String outcome, Instant startedAt, Instant finishedAt, String detail) {

  public static final String RUNNING = "RUNNING";
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";
  public static final String SKIPPED = "SKIPPED";
  public static final String CANCELLED = "CANCELLED";

  public Duration duration() {
    return startedAt == null || finishedAt == null
        ? Duration.ZERO
        : Duration.between(startedAt, finishedAt);
  }
}
