package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The runbook's section 5 verification of a restored database, compared with the backup's manifest
 * when there is one.
 *
 * @param tableCounts 5.1: row counts of every table
 * @param latestLots 5.2: the ten newest lots
 * @param qcDecisionsByType 5.2: QC decisions per decision type
 * @param findings what the verification adapted or skipped because the application's schema differs
 *     from the runbook's SQL in a way the backup shares (a renamed column, say): notes, not
 *     failures. Empty, never null (reports recorded before findings existed read as empty).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerificationReport(
    String database,
    boolean passed,
    boolean comparedWithManifest,
    List<VerificationCheck> checks,
    List<TableCount> tableCounts,
    List<LotSample> latestLots,
    Map<String, Long> qcDecisionsByType,
    List<String> findings) {

  @JsonCreator
  public VerificationReport {
    findings = findings == null ? List.of() : List.copyOf(findings);
  }

  /** A report without findings. */
  public VerificationReport(
      String database,
      boolean passed,
      boolean comparedWithManifest,
      List<VerificationCheck> checks,
      List<TableCount> tableCounts,
      List<LotSample> latestLots,
      Map<String, Long> qcDecisionsByType) {
    this(
        database,
        passed,
        comparedWithManifest,
        checks,
        tableCounts,
        latestLots,
        qcDecisionsByType,
        List.of());
  }

  public List<VerificationCheck> failedChecks() {
    return checks.stream().filter(c -> !c.passed()).toList();
  }
}
