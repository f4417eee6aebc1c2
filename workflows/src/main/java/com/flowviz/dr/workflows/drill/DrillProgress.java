package com.flowviz.dr.workflows.drill;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.provision.ProvisionedInstance;
import com.flowviz.dr.workflows.common.StepRecord;
import java.util.List;

/** What the progress query answers while a drill runs. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrillProgress(
    String currentStep,
    String backupKey,
    ProvisionedInstance scratch,
    String restoreWorkflowId,
    List<StepRecord> steps) {}
