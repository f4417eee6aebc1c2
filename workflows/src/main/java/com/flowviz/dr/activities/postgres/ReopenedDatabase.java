package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A database found refusing connections (ALLOW_CONNECTIONS false) that no running swap had closed,
 * and opened again.
 *
 * @param closedBy the workflow whose swap closed it, from the marker the swap left; null when no
 *     marker said (a swap of an earlier version, or someone else)
 * @param why how it was known that no swap is under way on it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReopenedDatabase(String database, String closedBy, String why) {

  public String describe() {
    return database
        + " (closed by "
        + (closedBy == null ? "an unknown swap" : closedBy)
        + "; "
        + why
        + ")";
  }
}
