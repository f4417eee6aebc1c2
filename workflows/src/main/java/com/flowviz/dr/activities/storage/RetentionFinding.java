package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One finding of the retention check, for the compliance officer.
 *
 * @param severity VIOLATION (the runbook's retention is not met), WARNING (met, but not as §7 says:
 *     another storage class) or OK
 * @param requirement the runbook's words, e.g. "Lot tracking, QC decisions, temperature logs: 7
 *     years, weekly backups in Deep Archive"
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RetentionFinding(
    String prefix, String severity, String requirement, String finding, String ruleId) {
  public static final String VIOLATION = "VIOLATION";
  public static final String WARNING = "WARNING";
  public static final String OK = "OK";
}
