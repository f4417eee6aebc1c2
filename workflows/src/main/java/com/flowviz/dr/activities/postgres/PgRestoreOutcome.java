package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What pg_restore did: how many parallel jobs, how long, and the tail of its verbose output.
 *
 * @param targetSpace what is known of the target server's free space, in words: the figures when
 *     its data directory is on this host, else that it cannot be read from here; null in outcomes
 *     recorded before it was reported
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PgRestoreOutcome(String database, int jobs, long millis, String pgRestoreVersion, int objectsRestored, String targetSpace) {

  @JsonCreator
  public PgRestoreOutcome {}

  public PgRestoreOutcome(String database, int jobs, long millis, String pgRestoreVersion, int objectsRestored) {
    this(database, jobs, millis, pgRestoreVersion, objectsRestored, null);
  }
}
