package com.flowviz.dr.activities.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Runbook 6.1's audit-trail check of one incident: the chain, and the incident's entries that are
 * kept in the compliance bucket but not yet in the audit database (pending forwarding). A pending
 * entry is a note about the trail, not a finding about the recovered system.
 *
 * @param chain null when the audit database could not be reached (nothing verified)
 * @param pending "workflow id #sequence step" of each entry still to be forwarded
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditTrailCheck(ChainVerification chain, List<String> pending, String unreachable) {

  /** The chain is known to be broken: the one finding. */
  public boolean broken() {
    return chain != null && !chain.intact();
  }

  public String describe() {
    String chainText =
        chain == null
            ? "audit database unreachable (" + unreachable + "), chain not verified"
            : (chain.intact() ? "intact: " : "BROKEN: ") + chain.finding();
    return pending == null || pending.isEmpty()
        ? chainText
        : chainText
            + "; note: "
            + pending.size()
            + " entries kept in the compliance bucket, pending forwarding to the audit database: "
            + pending;
  }
}
