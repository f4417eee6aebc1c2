package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * A surgical undelete, committed in one transaction.
 *
 * @param inserted rows put back, per table, in the order they were inserted (parents first)
 * @param alreadyApplied true when an earlier attempt had committed this undelete; the counts are
 *     the ones it recorded
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UndeleteOutcome(
    String liveDatabase, Map<String, Long> inserted, boolean alreadyApplied) {

  public long total() {
    return inserted.values().stream().mapToLong(Long::longValue).sum();
  }
}
