package com.flowviz.dr.activities.verify;

import java.time.Duration;

/**
 * How strictly a restore is judged (the worker's flowviz.verification settings).
 *
 * @param newestLotMargin how much older than the backup the newest lot may be before the restore
 *     fails: FlowViz makes lots every working day, so a newest lot days older than the backup means
 *     the backup is not of the database the application had
 * @param maxRowLoss the share of a live table's rows (0 to 1) a swap without a manifest may lose
 *     before it waits for a person
 * @param rowLossDecisionTimeout how long that swap waits; no answer means no swap
 */
public record JudgementLimits(
    Duration newestLotMargin, double maxRowLoss, Duration rowLossDecisionTimeout) {

  public static final JudgementLimits DEFAULTS =
      new JudgementLimits(Duration.ofDays(2), 0.10, Duration.ofDays(1));

  public JudgementLimits {
    if (newestLotMargin == null || newestLotMargin.isNegative()) {
      throw new IllegalArgumentException(
          "flowviz.verification.newest-lot-margin must be a duration of zero or more, e.g. P2D");
    }
    if (!(maxRowLoss >= 0 && maxRowLoss <= 1)) {
      throw new IllegalArgumentException(
          "flowviz.verification.max-row-loss must be a share between 0 and 1, e.g. 0.10; was "
              + maxRowLoss);
    }
    if (rowLossDecisionTimeout == null
        || rowLossDecisionTimeout.isNegative()
        || rowLossDecisionTimeout.isZero()) {
      throw new IllegalArgumentException(
          "flowviz.verification.row-loss-decision-timeout must be a positive duration, e.g. P1D");
    }
  }
}
