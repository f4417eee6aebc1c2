package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The runbook's section 5 verification of a restored database, compared with the backup's
 * manifest when there is one.
 *
 * @param tableCounts 5.1: row counts of every table
 * @param latestLots 5.2: the ten newest lots
 * @param qcDecisionsByType 5.2: QC decisions per decision type
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerificationReport(
    String database,
    boolean passed,
    boolean comparedWithManifest,
    List<VerificationCheck> checks,
    List<TableCount> tableCounts,
    List<LotSample> latestLots,
    Map<String, Long> qcDecisionsByType) {

  public List<VerificationCheck> failedChecks() {
    return checks.stream().filter(c -> !c.passed()).toList();
  }
}
