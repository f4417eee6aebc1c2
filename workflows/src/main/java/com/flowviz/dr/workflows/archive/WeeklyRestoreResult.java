package com.flowviz.dr.workflows.archive;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.time.Duration;
import java.util.List;

/** The retrieval, the wait, and the 4.1 restore that followed. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WeeklyRestoreResult(
    String targetDatabase,
    RetrievalWait retrieval,
    Duration waited,
    RestoreResult restore,
    List<StepRecord> steps,
    Duration elapsed) {}
