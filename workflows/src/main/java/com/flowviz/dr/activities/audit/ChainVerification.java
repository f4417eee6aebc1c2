package com.flowviz.dr.activities.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param firstBrokenEntry the id of the first entry that does not fit the chain, 0 when intact
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChainVerification(
    boolean intact, long entriesChecked, long firstBrokenEntry, String finding) {}
