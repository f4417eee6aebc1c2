package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Put the verified staging database in place of the live one.
 *
 * @param retiredDatabase the name the replaced live database keeps, for forensics
 * @param marker written as the new live database's comment in the same transaction, so a retry can
 *     tell that the swap already happened
 * @param expectedLive the live database as it was when a person compared it and approved the swap;
 *     when it is no longer that, nothing is swapped. Null: no such check.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SwapRequest(
    String stagingDatabase,
    String liveDatabase,
    String retiredDatabase,
    String marker,
    LiveFingerprint expectedLive) {

  public SwapRequest(
      String stagingDatabase, String liveDatabase, String retiredDatabase, String marker) {
    this(stagingDatabase, liveDatabase, retiredDatabase, marker, null);
  }
}
