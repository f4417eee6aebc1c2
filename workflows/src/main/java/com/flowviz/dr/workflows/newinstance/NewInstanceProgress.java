package com.flowviz.dr.workflows.newinstance;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.provision.ProvisionedInstance;
import com.flowviz.dr.workflows.common.StepRecord;
import java.util.List;

/**
 * @param restoreWorkflowId the child 4.1 restore, once started; query it for its own steps
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NewInstanceProgress(
    String currentStep,
    String backupKey,
    ProvisionedInstance instance,
    String restoreWorkflowId,
    List<StepRecord> steps) {}
