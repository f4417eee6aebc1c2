package com.flowviz.dr.worker.config;

import com.flowviz.dr.activities.verify.JudgementLimits;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How strictly a restore's verification judges it (issue 15).
 *
 * @param newestLotMargin how much older than the backup the newest lot may be; older (or no lots at
 *     all) fails the verification and nothing is swapped
 * @param maxRowLoss the share of a live table's rows (0 to 1) a restore without a manifest may lose
 *     before its swap waits at the row-loss gate for a person
 * @param rowLossDecisionTimeout how long that swap waits; no answer means no swap
 */
@ConfigurationProperties("flowviz.verification")
public record VerificationSettings(
    @Bindable(defaultValue = "P2D") Duration newestLotMargin,
    @Bindable(defaultValue = "0.10") double maxRowLoss,
    @Bindable(defaultValue = "P1D") Duration rowLossDecisionTimeout) {

  public JudgementLimits limits() {
    return new JudgementLimits(newestLotMargin, maxRowLoss, rowLossDecisionTimeout);
  }
}
