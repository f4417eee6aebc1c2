package com.flowviz.dr.workflows.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.workflows.RecoveryObjectives;
import java.time.Duration;
import java.time.Instant;

/**
 * The data a restore gives up: everything written between the backup and the incident.
 *
 * @param verdict WITHIN_TARGET (up to 2 h), ABOVE_TARGET (up to 24 h) or ABOVE_MAXIMUM
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RpoAssessment(
    Instant incidentAt,
    Instant backupTakenAt,
    Duration gap,
    Duration target,
    Duration maximum,
    String verdict) {

  public static final String WITHIN_TARGET = "WITHIN_TARGET";
  public static final String ABOVE_TARGET = "ABOVE_TARGET";
  public static final String ABOVE_MAXIMUM = "ABOVE_MAXIMUM";

  public static RpoAssessment of(Instant incidentAt, Instant backupTakenAt) {
    Duration gap = Duration.between(backupTakenAt, incidentAt);
    if (gap.isNegative()) {
      gap = Duration.ZERO;
    }
    String verdict =
        gap.compareTo(RecoveryObjectives.RPO_TARGET) <= 0
            ? WITHIN_TARGET
            : gap.compareTo(RecoveryObjectives.RPO_MAXIMUM) <= 0 ? ABOVE_TARGET : ABOVE_MAXIMUM;
    return new RpoAssessment(
        incidentAt,
        backupTakenAt,
        gap,
        RecoveryObjectives.RPO_TARGET,
        RecoveryObjectives.RPO_MAXIMUM,
        verdict);
  }
}
