package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;

/**
 * The bucket's view of a cluster's physical archive, independent of the server: when the newest WAL
 * object and the newest complete base backup were written. While the server cannot be read (down,
 * or the incident itself), this bounds what a restore from the archive would lose.
 *
 * @param reachable false when the bucket could not be listed; {@link #problem} says why
 * @param newestWalKey null when the prefix holds no WAL
 * @param newestBaseBackupId null when there is no complete base backup
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ArchiveContents(
    String bucket,
    String systemIdentifier,
    boolean reachable,
    String problem,
    String newestWalKey,
    Instant newestWalAt,
    String newestBaseBackupId,
    Instant newestBaseBackupAt) {

  public static ArchiveContentsBuilder builder() {
    return ArchiveContentsBuilder.builder();
  }
}
