package com.flowviz.dr.workflows.restore;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.workflows.common.StepRecord;
import java.util.List;

/**
 * What the progress query returns while a restore runs, and after.
 *
 * @param backupSizeBytes the encrypted object's size once chosen: the total of the transfer whose
 *     bytes so far the download activity's heartbeats carry
 * @param awaiting what a person is asked while the restore waits at a gate (the row-loss gate), or
 *     null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RestoreProgress(
    String currentStep,
    String backupKey,
    String targetDatabase,
    String stagingDatabase,
    List<StepRecord> steps,
    Long backupSizeBytes,
    String awaiting) {

  public RestoreProgress(
      String currentStep,
      String backupKey,
      String targetDatabase,
      String stagingDatabase,
      List<StepRecord> steps,
      Long backupSizeBytes) {
    this(currentStep, backupKey, targetDatabase, stagingDatabase, steps, backupSizeBytes, null);
  }
}
