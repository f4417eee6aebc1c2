package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.postgres.PgServer;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * A recovered instance, promoted and accepting connections.
 *
 * @param stoppedAt PostgreSQL's own line about where recovery stopped ({@code recovery stopping
 *     before commit of transaction ..., time ...}), or the end of the archive for "latest"
 * @param timeline the new timeline it runs on after promotion
 * @param server the instance as the worker's registry names it ({@code instance:<name>}), for
 *     verification and repointing; null from workers before it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RecoveryReached(
    String instance,
    String host,
    int port,
    int timeline,
    String stoppedAt,
    String lastReplayedCommit,
    String clusterState,
    PgServer server) {
  public static RecoveryReachedBuilder builder() {
    return RecoveryReachedBuilder.builder();
  }

  public RecoveryReachedBuilder toBuilder() {
    return RecoveryReachedBuilder.builder(this);
  }
}
