package com.flowviz.dr.activities.drill;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a recovery drill proved: a backup restored and verified on a scratch instance exactly as an
 * incident would, timed against the runbook's objectives.
 *
 * @param outcome PASSED (restored, verified, within both maxima) or FAILED (see {@code failure})
 * @param rto drill start to verified restore: what an incident needing this backup would take
 * @param rtoVerdict WITHIN_TARGET (15 min), ABOVE_TARGET (up to 1 h), ABOVE_MAXIMUM; null when the
 *     restore failed
 * @param backupAge how old the backup was when the drill began: the data an incident now would lose
 * @param rpoVerdict WITHIN_TARGET (2 h), ABOVE_TARGET (up to 24 h), ABOVE_MAXIMUM
 * @param scratchTornDown whether the scratch instance is gone (false when kept on request)
 * @param path "dump" (runbook 4.1 from a pg_dump backup) or "pitr" (base backup and WAL); null in
 *     reports from before PITR drills, which were all "dump". For "pitr" the backup is the base
 *     backup and {@code backupAge} the age of the newest archived WAL: what an incident now would
 *     lose
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrillReport(
    String drillId,
    String outcome,
    String operator,
    Instant startedAt,
    Instant finishedAt,
    String backupUri,
    Instant backupTakenAt,
    Long backupBytes,
    Duration backupAge,
    String rpoVerdict,
    Duration rto,
    String rtoVerdict,
    Duration rtoTarget,
    Duration rtoMaximum,
    Boolean verificationPassed,
    List<String> failedChecks,
    String scratchInstance,
    String provisioner,
    boolean scratchTornDown,
    String restoreWorkflowId,
    List<DrillStep> steps,
    String failure,
    String path) {

  public static final String PASSED = "PASSED";
  public static final String FAILED = "FAILED";
}
