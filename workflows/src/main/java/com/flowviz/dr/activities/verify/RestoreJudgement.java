package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.util.List;

/**
 * The judgement of a restore's runbook 5.2 results and, without a manifest, of what a swap would
 * lose compared with the live database.
 *
 * @param checks 5.2 judged (lots restored, the newest lot not far older than the backup); a failed
 *     one fails the verification
 * @param findings what could not be judged or compared, and why (never an error)
 * @param liveDatabase the live database compared with, or null when none was
 * @param liveCounted whether every table of the live database could be counted
 * @param rowLosses the tables that would lose more than {@code maxRowLoss} of their rows: the swap
 *     waits for a person when there are any
 * @param maxRowLoss the worker's flowviz.verification.max-row-loss
 * @param decisionTimeout how long the swap waits for that person
 *     (flowviz.verification.row-loss-decision-timeout)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RestoreJudgement(
    List<VerificationCheck> checks,
    List<String> findings,
    String liveDatabase,
    boolean liveCounted,
    List<RowLoss> rowLosses,
    double maxRowLoss,
    Duration decisionTimeout) {

  @JsonCreator
  public RestoreJudgement {
    checks = checks == null ? List.of() : List.copyOf(checks);
    findings = findings == null ? List.of() : List.copyOf(findings);
    rowLosses = rowLosses == null ? List.of() : List.copyOf(rowLosses);
  }

  public boolean passed() {
    return checks.stream().allMatch(VerificationCheck::passed);
  }
}
