package com.flowviz.dr.activities.managed;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;

/**
 * What the service says it can restore the source to.
 *
 * @param earliest the earliest restorable time (the instance's creation where the service gives
 *     none)
 * @param latest the latest restorable time: usually within five minutes of now
 * @param subnetGroup the source's DB subnet group, given to the restore (null: none)
 * @param securityGroups the source's VPC security groups, given to the restore: without them RDS
 *     attaches the VPC's default group, which the application and the worker may not reach
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ManagedRestoreWindow(
    String identifier,
    String engine,
    String engineVersion,
    String instanceClass,
    Instant earliest,
    Instant latest,
    String subnetGroup,
    java.util.List<String> securityGroups) {
  public static ManagedRestoreWindowBuilder builder() {
    return ManagedRestoreWindowBuilder.builder();
  }
}
