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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ManagedRestoreWindow(
    String identifier,
    String engine,
    String engineVersion,
    String instanceClass,
    Instant earliest,
    Instant latest) {
  public static ManagedRestoreWindowBuilder builder() {
    return ManagedRestoreWindowBuilder.builder();
  }
}
