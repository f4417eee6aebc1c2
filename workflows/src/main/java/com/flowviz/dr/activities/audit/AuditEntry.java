package com.flowviz.dr.activities.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * One line of the recovery audit trail (runbook section 7).
 *
 * @param sequence position of the entry within its workflow run; with the run id it makes a retried
 *     append harmless
 * @param outcome STARTED, SUCCEEDED, FAILED, SKIPPED or CANCELLED
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditEntry(
    Instant at,
    String operator,
    String workflowId,
    String runId,
    String workflowType,
    int sequence,
    String step,
    String backupKey,
    String outcome,
    String details) {}
