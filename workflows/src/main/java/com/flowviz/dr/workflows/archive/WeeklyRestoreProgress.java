package com.flowviz.dr.workflows.archive;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.workflows.common.StepRecord;
import java.util.List;

/**
 * @param restoreWorkflowId the 4.1 restore this workflow runs once the backup is readable; query
 *     its progress for the steps from download on
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WeeklyRestoreProgress(
    String currentStep,
    String backupKey,
    String targetDatabase,
    RetrievalWait retrieval,
    String restoreWorkflowId,
    List<StepRecord> steps) {}
