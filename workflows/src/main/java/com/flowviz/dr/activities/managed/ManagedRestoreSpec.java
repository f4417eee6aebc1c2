package com.flowviz.dr.activities.managed;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.physical.RecoveryTarget;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The service's native point-in-time restore of {@code source} into a new {@code target}.
 *
 * @param target the new instance's (or cluster's) identifier; a cluster gets a writer instance of
 *     the same name with {@code -1}
 * @param recoveryTarget a time, or latest (the service's latest restorable time); an LSN is not
 *     something the service restores to
 * @param sourceServer the registered server this managed database is ("production" when null): the
 *     restored copy keeps its master user and password, so the worker reaches it as it reaches that
 *     server
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ManagedRestoreSpec(
    ManagedSource source, String target, RecoveryTarget recoveryTarget, String sourceServer) {
  public static ManagedRestoreSpecBuilder builder() {
    return ManagedRestoreSpecBuilder.builder();
  }
}
