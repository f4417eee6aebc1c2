package com.flowviz.dr.workflows.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * The operator's choice after an accidental deletion, made with the data gap in view.
 *
 * @param choice "surgical" (put back only the deleted rows; keeps everything written since the
 *     backup), "full-restore" (swap the backup in, as runbook 4.1 does) or "abandon"
 * @param at set by the workflow when the choice arrives
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecoveryChoice(String choice, String by, String comment, Instant at) {
  public static final String SURGICAL = "surgical";
  public static final String FULL_RESTORE = "full-restore";
  public static final String ABANDON = "abandon";

  public static RecoveryChoice of(String choice, String by, String comment) {
    return new RecoveryChoice(choice, by, comment, null);
  }
}
