package com.flowviz.dr.workflows.failover;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.StepRecord;
import java.util.List;

/**
 * @param pendingGate the gate waiting for a person, or null
 * @param gateQuestion what that person is asked, with the numbers they need
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FailoverProgress(
    String direction,
    String currentStep,
    String pendingGate,
    String gateQuestion,
    FreshnessReport freshness,
    List<Decision> decisions,
    String restoreWorkflowId,
    List<StepRecord> steps) {}
