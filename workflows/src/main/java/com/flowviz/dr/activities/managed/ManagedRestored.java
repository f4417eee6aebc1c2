package com.flowviz.dr.activities.managed;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.postgres.PgServer;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;

/**
 * A restored managed database.
 *
 * @param restoredTo the time asked for, or the latest restorable time the service used
 * @param alreadyExisted a retry found the restore this workflow started
 * @param status the service's status ("creating", then "available")
 * @param server the restored database as the worker's registry names it (once available), for
 *     verification and repointing
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ManagedRestored(
    String identifier,
    String kind,
    Instant restoredTo,
    boolean alreadyExisted,
    String status,
    String host,
    int port,
    PgServer server) {
  public static ManagedRestoredBuilder builder() {
    return ManagedRestoredBuilder.builder();
  }

  public ManagedRestoredBuilder toBuilder() {
    return ManagedRestoredBuilder.builder(this);
  }
}
