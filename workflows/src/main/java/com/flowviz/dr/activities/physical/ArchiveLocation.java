package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * One cluster's physical archive: its bucket (and region, null for the worker's) and system
 * identifier.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ArchiveLocation(String bucket, String region, String systemIdentifier) {
  public static ArchiveLocationBuilder builder() {
    return ArchiveLocationBuilder.builder();
  }
}
