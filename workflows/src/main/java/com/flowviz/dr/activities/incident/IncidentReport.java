package com.flowviz.dr.activities.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.audit.AuditEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The incident report of runbook sections 6 and 7, kept for years in the compliance location.
 *
 * @param timeline every audit entry of the incident and its procedures, in order (UTC)
 * @param rtoAchieved from detection to the end of the recovery, against 15 min target / 1 h maximum
 * @param rpoGap data given up: incident time minus backup time, against 2 h / 24 h
 * @param dataGaps per table, rows the restore could not bring back (or would have lost)
 * @param actions what was done to the data and the credentials, with row counts
 * @param auditChain the audit trail's hash-chain check when the report was written
 * @param timeline null in the request: the activity reads it from the audit trail, so the
 *     workflow's history does not carry it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IncidentReport(
    String incidentId,
    String scenario,
    String operator,
    String notes,
    Instant detectedAt,
    Instant recoveredAt,
    String outcome,
    String procedure,
    String procedureWorkflowId,
    String procedureOutcome,
    String backupUsed,
    Instant backupTakenAt,
    boolean verificationPassed,
    List<String> verificationFindings,
    Duration rtoAchieved,
    String rtoVerdict,
    Duration rpoGap,
    String rpoVerdict,
    Map<String, String> dataGaps,
    List<String> actions,
    List<String> postRecoveryChecks,
    String auditChain,
    List<AuditEntry> timeline) {

  public IncidentReport withTimeline(List<AuditEntry> entries) {
    return new IncidentReport(
        incidentId,
        scenario,
        operator,
        notes,
        detectedAt,
        recoveredAt,
        outcome,
        procedure,
        procedureWorkflowId,
        procedureOutcome,
        backupUsed,
        backupTakenAt,
        verificationPassed,
        verificationFindings,
        rtoAchieved,
        rtoVerdict,
        rpoGap,
        rpoVerdict,
        dataGaps,
        actions,
        postRecoveryChecks,
        auditChain,
        entries);
  }
}
