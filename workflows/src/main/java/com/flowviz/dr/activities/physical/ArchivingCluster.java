package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;

/**
 * What a base backup needs to know of the cluster, and whether its WAL reaches the archive.
 *
 * @param systemIdentifier {@code pg_control_system().system_identifier}, as decimal text
 * @param timeline the current timeline
 * @param walLevel {@code replica} or {@code logical} (a cluster at {@code minimal} is refused)
 * @param archiveCommand the configured {@code archive_command} (no secrets: it names a command)
 * @param lastArchivedWal {@code pg_stat_archiver.last_archived_wal}; null when none yet
 * @param lastArchivedAt {@code pg_stat_archiver.last_archived_time}
 * @param failedCount {@code pg_stat_archiver.failed_count} since the statistics were reset
 * @param lastFailedWal {@code pg_stat_archiver.last_failed_wal}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ArchivingCluster(
    String server,
    String systemIdentifier,
    int timeline,
    String serverVersion,
    String walLevel,
    String archiveMode,
    String archiveCommand,
    String lastArchivedWal,
    Instant lastArchivedAt,
    long failedCount,
    String lastFailedWal) {
  public static ArchivingClusterBuilder builder() {
    return ArchivingClusterBuilder.builder();
  }

  public ArchivingClusterBuilder toBuilder() {
    return ArchivingClusterBuilder.builder(this);
  }
}
