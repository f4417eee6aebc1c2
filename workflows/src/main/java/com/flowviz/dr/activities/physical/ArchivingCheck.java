package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Which server to check before a base backup.
 *
 * @param server a registered server name ({@code production}, {@code instance:<name>}, ...)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ArchivingCheck(String server) {
  public static ArchivingCheckBuilder builder() {
    return ArchivingCheckBuilder.builder();
  }

  public ArchivingCheckBuilder toBuilder() {
    return ArchivingCheckBuilder.builder(this);
  }
}
