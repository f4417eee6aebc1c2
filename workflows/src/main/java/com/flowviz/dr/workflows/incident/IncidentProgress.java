package com.flowviz.dr.workflows.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.postgres.DataGap;
import com.flowviz.dr.workflows.common.StepRecord;
import java.util.List;

/**
 * What the progress query answers while an incident runs.
 *
 * @param awaiting the question a person must answer now, with how to answer it; null when none
 * @param procedureWorkflowId the child workflow running the recovery procedure (its own progress
 *     query and, for 2.5, its DNS approval gate)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IncidentProgress(
    String incidentId,
    String scenario,
    String currentStep,
    String awaiting,
    String procedureWorkflowId,
    String backupKey,
    DataGap dataGap,
    String followUpWorkflowId,
    List<StepRecord> steps) {}
