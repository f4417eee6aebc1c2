package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A table that would lose rows if the restore replaced the live database. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RowLoss(String table, long liveRows, long restoredRows) {

  public long lost() {
    return liveRows - restoredRows;
  }

  /** The share of the live rows the swap would lose, 0 to 1. */
  public double share() {
    return liveRows == 0 ? 0 : (double) lost() / liveRows;
  }

  public String describe() {
    return table
        + " "
        + liveRows
        + " → "
        + restoredRows
        + " rows ("
        + lost()
        + " lost, "
        + Math.round(share() * 100)
        + "%)";
  }
}
