package com.flowviz.dr.workflows.restore;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.workflows.common.StepRecord;
import java.util.List;

/**
 * What the progress query returns while a restore runs, and after.
 *
 * @param backupSizeBytes the encrypted object's size once chosen: the total of the transfer whose
 *     bytes so far the download activity's heartbeats carry
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RestoreProgress(
    String currentStep, String backupKey, String targetDatabase, String stagingDatabase, List<StepRecord> steps, Long backupSizeBytes) {}
