package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;
import java.util.List;

/**
 * How far a server's WAL archive is behind what the server has written: the RPO exposure as the
 * server itself sees it, read from {@code pg_stat_archiver}, {@code pg_ls_archive_statusdir()} and
 * {@code pg_current_wal_lsn()}.
 *
 * <p>Data is at risk from the first WAL byte not yet in the archive. Those bytes are the segments
 * waiting for archive_command ({@code .ready}) plus the part of the segment being written: {@link
 * #pendingBytes}. They were all written after the last archived segment was closed, and that
 * happened before its archiving finished ({@link #lastArchivedAt}); so while anything is pending,
 * {@link #lagSeconds} ({@code now() - last_archived_time}, on the server's clock) is the age of the
 * data at risk, give or take the few seconds one archiving takes. With nothing pending (no writes
 * since the last switch) nothing is at risk and the lag is 0, however long ago the last archiving
 * was: an idle server is no alarm.
 *
 * @param reachable false when the server did not answer; then only {@link #server}, {@link
 *     #problem} and {@link #readAt} are set (the bucket's view is all there is)
 * @param problem why the server could not be read; null when reachable
 * @param inRecovery a standby (or a server in recovery): it archives nothing of its own unless
 *     {@code archive_mode = always}; lag and pending bytes are not measured (null)
 * @param archiving {@code archive_mode} is not {@code off} and an archive_command or library is set
 * @param archiveTimeoutSeconds {@code archive_timeout}: the bound of the lag under light writes
 * @param pendingBytes WAL written and not yet archived; null when not measured
 * @param readySegments segments waiting for archive_command
 * @param lagSeconds see above; null when not measured
 * @param failing the last archiving attempt failed ({@code last_failed_time > last_archived_time})
 * @param readAt the server's clock at the read ({@code now()}); the worker's clock when unreachable
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ArchiverStatus(
    String server,
    boolean reachable,
    String problem,
    String systemIdentifier,
    Integer timeline,
    boolean inRecovery,
    boolean archiving,
    String archiveMode,
    Integer archiveTimeoutSeconds,
    String currentLsn,
    Long pendingBytes,
    Integer readySegments,
    Double lagSeconds,
    String lastArchivedWal,
    Instant lastArchivedAt,
    long failedCount,
    String lastFailedWal,
    Instant lastFailedAt,
    boolean failing,
    List<SlotRetention> slots,
    Instant readAt) {

  public static ArchiverStatusBuilder builder() {
    return ArchiverStatusBuilder.builder();
  }

  public ArchiverStatusBuilder toBuilder() {
    return ArchiverStatusBuilder.builder(this);
  }

  /**
   * A replication slot and the WAL it holds on the server's disk ({@code pg_current_wal_lsn() -
   * restart_lsn}): a slot nobody reads keeps WAL until the disk fills.
   *
   * @param retainedBytes null when the slot holds no position yet
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SlotRetention(String name, boolean active, Long retainedBytes) {}
}
