package com.flowviz.dr.workflows.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.workflows.RecoveryObjectives;
import java.time.Duration;
import java.time.Instant;

/**
 * How long the outage lasted: from detection to the end of the recovery, against the runbook's
 * recovery time objective.
 *
 * @param verdict WITHIN_TARGET (up to 15 min), ABOVE_TARGET (up to 1 h) or ABOVE_MAXIMUM
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RtoAssessment(
    Instant detectedAt,
    Instant recoveredAt,
    Duration achieved,
    Duration target,
    Duration maximum,
    String verdict) {

  public static RtoAssessment of(Instant detectedAt, Instant recoveredAt) {
    Duration achieved = Duration.between(detectedAt, recoveredAt);
    if (achieved.isNegative()) {
      achieved = Duration.ZERO;
    }
    String verdict =
        achieved.compareTo(RecoveryObjectives.RTO_TARGET) <= 0
            ? RpoAssessment.WITHIN_TARGET
            : achieved.compareTo(RecoveryObjectives.RTO_MAXIMUM) <= 0
                ? RpoAssessment.ABOVE_TARGET
                : RpoAssessment.ABOVE_MAXIMUM;
    return new RtoAssessment(
        detectedAt,
        recoveredAt,
        achieved,
        RecoveryObjectives.RTO_TARGET,
        RecoveryObjectives.RTO_MAXIMUM,
        verdict);
  }
}
