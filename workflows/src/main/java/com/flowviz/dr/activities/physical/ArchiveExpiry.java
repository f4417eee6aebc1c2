package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * What an expiry kept and removed. WAL older than the oldest kept base backup's start is removed;
 * nothing the oldest kept base backup needs is.
 *
 * @param oldestKeptWalFile the first WAL file still kept (the oldest kept backup's start)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ArchiveExpiry(
    List<String> keptBackups,
    List<String> deletedBackups,
    List<String> deletedIncomplete,
    long deletedWalFiles,
    String oldestKeptWalFile) {
  public static ArchiveExpiryBuilder builder() {
    return ArchiveExpiryBuilder.builder();
  }

  public ArchiveExpiryBuilder toBuilder() {
    return ArchiveExpiryBuilder.builder(this);
  }
}
