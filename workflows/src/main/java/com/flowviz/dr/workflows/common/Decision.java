package com.flowviz.dr.workflows.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * An operator's answer at a gate of the failover.
 *
 * @param gate "dns-switch", "stale-backup" or "failback-data-loss" (failover), "swap" (incident),
 *     "repoint" (4.3)
 * @param by who decided, for the audit trail
 * @param at set by the workflow when it receives the decision
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Decision(String gate, boolean approve, String by, String comment, Instant at) {
  public static final String DNS_SWITCH = "dns-switch";
  public static final String STALE_BACKUP = "stale-backup";

  /** A failback that would restore the primary's backup while the DR side holds newer data. */
  public static final String FAILBACK_DATA_LOSS = "failback-data-loss";

  /**
   * An incident's swap of the verified staging database into live, when a policy holds it for a
   * person.
   */
  public static final String SWAP = "swap";

  /**
   * 4.3's repointing of the application at the new instance, when a policy holds it for a person.
   */
  public static final String REPOINT = "repoint";

  public static Decision approve(String gate, String by, String comment) {
    return new Decision(gate, true, by, comment, null);
  }

  public static Decision reject(String gate, String by, String comment) {
    return new Decision(gate, false, by, comment, null);
  }
}
