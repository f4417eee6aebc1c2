package com.flowviz.dr.workflows.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.incident.ReportLocation;
import com.flowviz.dr.activities.incident.RotationOutcome;
import com.flowviz.dr.activities.postgres.DataGap;
import com.flowviz.dr.activities.postgres.UndeleteOutcome;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.workflows.common.RpoAssessment;
import com.flowviz.dr.workflows.common.RtoAssessment;
import com.flowviz.dr.workflows.common.StepRecord;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * How an incident ended.
 *
 * @param outcome RECOVERED; RECOVERED_WITH_FINDINGS (data back, but a post-recovery check did not
 *     pass, or the failover's DNS switch was not made); ABANDONED (2.3: the operator chose to
 *     change nothing)
 * @param dataGap 2.3: deleted rows and rows since the backup; 2.1/2.4: rows in the replaced
 *     database that the restored one lacks (lost transactions)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record IncidentResult(
    String incidentId,
    String scenario,
    String outcome,
    String procedure,
    String procedureWorkflowId,
    String procedureOutcome,
    BackupObject backup,
    RtoAssessment rto,
    RpoAssessment rpo,
    DataGap dataGap,
    RecoveryChoice choice,
    UndeleteOutcome undelete,
    RotationOutcome rotation,
    List<String> postRecoveryChecks,
    ReportLocation report,
    String followUpWorkflowId,
    List<StepRecord> steps) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static IncidentResultBuilder builder() {
    return IncidentResultBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public IncidentResultBuilder toBuilder() {
    return IncidentResultBuilder.builder(this);
  }

  public static final String RECOVERED = "RECOVERED";
  public static final String RECOVERED_WITH_FINDINGS = "RECOVERED_WITH_FINDINGS";
  public static final String ABANDONED = "ABANDONED";
}
