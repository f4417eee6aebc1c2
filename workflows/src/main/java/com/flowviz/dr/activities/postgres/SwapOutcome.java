package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param retiredDatabase where the replaced database went, or null when there was no live database
 *     to replace
 * @param terminatedSessions sessions on the live database that were ended (runbook section 8)
 * @param alreadyDone true when an earlier attempt had completed the swap
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SwapOutcome(
    String liveDatabase, String retiredDatabase, int terminatedSessions, boolean alreadyDone) {}
