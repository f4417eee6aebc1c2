package com.flowviz.dr.workflows.failover;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * An operator's answer at a gate of the failover.
 *
 * @param gate "dns-switch" or "stale-backup"
 * @param by who decided, for the audit trail
 * @param at set by the workflow when it receives the decision
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Decision(String gate, boolean approve, String by, String comment, Instant at) {
  public static final String DNS_SWITCH = "dns-switch";
  public static final String STALE_BACKUP = "stale-backup";

  public static Decision approve(String gate, String by, String comment) {
    return new Decision(gate, true, by, comment, null);
  }

  public static Decision reject(String gate, String by, String comment) {
    return new Decision(gate, false, by, comment, null);
  }
}
