package com.flowviz.dr.workflows.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.workflows.failover.FailoverRequest;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Input of the incident workflow, as the Temporal UI's start form, the starter or a failover
 * trigger sends it. Only the scenario is required.
 *
 * <pre>{@code
 * {
 *   "scenario": "accidental-deletion",
 *   "detectedAt": "2025-01-19T10:05:00Z",
 *   "damageStartedAt": "2025-01-19T09:40:00Z",
 *   "operator": "alice",
 *   "notes": "a cleanup script deleted lot LOT-20250118-000042 and its QC decisions"
 * }
 * }</pre>
 *
 * @param scenario 2.1 database-corruption, 2.2 instance-failure, 2.3 accidental-deletion, 2.4
 *     security-breach (ransomware), 2.5 regional-outage
 * @param detectedAt ISO-8601 instant the incident was detected; default now. The RTO counts from
 *     it.
 * @param damageStartedAt when the corruption, deletion or breach began: backups taken after it are
 *     not trusted (2.1, 2.3, 2.4). Default: detectedAt.
 * @param targetDatabase the live database, default {@code flowviz}
 * @param bucket where the daily backups are, default {@code flowviz-backups} (2.4 uses the worker's
 *     isolated location instead, 2.5 the DR bucket)
 * @param decisionTimeout ISO-8601 duration the 2.3 choice waits for a person, default P1D
 * @param failover options of the 4.4 failover for 2.5 (hosted zone, health URL, ...)
 * @param approvals which irreversible steps wait for a person (swap, repoint, dnsSwitch); the
 *     default holds only the DNS switch; automated triggers pass their policy's answers
 * @param trigger the alert that declared the incident, when no person did
 * @param waitForLease ISO-8601 duration: when another procedure is changing the same database, wait
 *     up to this long (at most P1D) for it to finish; default: refuse at once (DatabaseBusy)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record IncidentRequest(
    String scenario,
    String detectedAt,
    String damageStartedAt,
    String operator,
    String notes,
    String targetDatabase,
    String bucket,
    String decisionTimeout,
    FailoverRequest failover,
    Approvals approvals,
    Trigger trigger,
    String waitForLease) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static IncidentRequestBuilder builder() {
    return IncidentRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public IncidentRequestBuilder toBuilder() {
    return IncidentRequestBuilder.builder(this);
  }

  public static IncidentRequest of(String scenario, String operator, String notes) {
    return builder().scenario(scenario).operator(operator).notes(notes).build();
  }
}
