package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Runbook 6.1 "test critical user workflows": one lot's traceability read the way the application
 * reads it (lot, its QC decisions, its temperature readings), logged in as the application's role.
 *
 * @param role the role the check logged in as
 * @param asApplicationRole false when no application role is configured and the worker's own role
 *     was used (which proves less: the worker may read what the application cannot)
 * @param lotCode the lot whose traceability was read (the newest); null when none could be read
 * @param problem what failed, for the operator; null when the check passed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TraceabilityCheck(
    String database,
    boolean passed,
    String role,
    boolean asApplicationRole,
    String lotCode,
    long qcDecisions,
    long temperatureReadings,
    String problem) {

  public String describe() {
    String who =
        asApplicationRole
            ? "as the application's role " + role
            : "as the worker's role " + role + " (no application role configured)";
    return passed
        ? "lot "
            + lotCode
            + " traced "
            + who
            + ": "
            + qcDecisions
            + " QC decisions, "
            + temperatureReadings
            + " temperature readings"
        : "FAILED " + who + ": " + problem;
  }
}
