package com.flowviz.dr.activities.physical.exposure;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.physical.ArchiverStatus;
import com.flowviz.dr.activities.physical.ArchiverStatusBuilder;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.SqlStates;
import com.flowviz.dr.workflows.FailureTypes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@link ArchiverStatus} over one ordinary connection, as a role with {@code pg_monitor}
 * (what postgres_exporter needs too): {@code pg_ls_archive_statusdir()} is granted to it, the rest
 * is readable by any role.
 */
public final class ArchiverStatusReader {

  /**
   * One statement, so every figure is of the same instant. On a standby {@code
   * pg_current_wal_lsn()} raises an error, hence the CASE.
   */
  private static final String STATUS =
      "SELECT s.system_identifier::text, pg_is_in_recovery(),"
          + " current_setting('archive_mode'), current_setting('archive_command'),"
          + " current_setting('archive_library', true),"
          + " EXTRACT(EPOCH FROM current_setting('archive_timeout')::interval)::int,"
          + " CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,"
          + " CASE WHEN pg_is_in_recovery() THEN NULL"
          + "   ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::numeric"
          + "     % pg_size_bytes(current_setting('wal_segment_size')) END,"
          + " pg_size_bytes(current_setting('wal_segment_size')),"
          + " a.last_archived_wal, a.last_archived_time, a.failed_count, a.last_failed_wal,"
          + " a.last_failed_time, coalesce(a.stats_reset, pg_postmaster_start_time()), now(),"
          + " (SELECT timeline_id FROM pg_control_checkpoint())"
          + " FROM pg_control_system() s, pg_stat_archiver a";

  /** Segments waiting for archive_command: their {@code .ready} marks, history files aside. */
  private static final String READY =
      "SELECT count(*) FROM pg_ls_archive_statusdir()"
          + " WHERE name ~ '^[0-9A-F]{24}(\\.partial)?\\.ready$'";

  private static final String SLOTS =
      "SELECT slot_name, active, CASE WHEN pg_is_in_recovery() OR restart_lsn IS NULL THEN NULL"
          + " ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint END"
          + " FROM pg_replication_slots ORDER BY slot_name";

  private final Clock clock;

  public ArchiverStatusReader() {
    this(Clock.systemUTC());
  }

  ArchiverStatusReader(Clock clock) {
    this.clock = clock;
  }

  /**
   * The server's status; {@code reachable = false} when it cannot be reached or is not answering
   * (the outage this measures). A role that may not read it fails non-retryable: no retry grants a
   * privilege.
   */
  public ArchiverStatus read(String server, PgClient pg) {
    try (Connection c = pg.connect("postgres")) {
      return read(server, c);
    } catch (SQLException e) {
      if (!SqlStates.canHeal(e)) {
        throw NonRetryable.failure(
            FailureTypes.CONFIGURATION,
            "Cannot read the WAL archiver state of "
                + server
                + ": "
                + e.getMessage()
                + ". The worker's role there needs pg_monitor (GRANT pg_monitor TO <role>;) to"
                + " see the WAL waiting for archiving (pg_ls_archive_statusdir).");
      }
      return ArchiverStatus.builder()
          .server(server)
          .reachable(false)
          .problem(e.getMessage())
          .slots(List.of())
          .readAt(clock.instant())
          .build();
    }
  }

  static ArchiverStatus read(String server, Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      ArchiverStatusBuilder status;
      long segmentSize;
      long segmentOffset;
      boolean inRecovery;
      try (ResultSet rs = s.executeQuery(STATUS)) {
        rs.next();
        inRecovery = rs.getBoolean(2);
        String mode = rs.getString(3);
        boolean archiving =
            !"off".equals(mode) && (!isBlank(rs.getString(4)) || !isBlank(rs.getString(5)));
        segmentOffset = rs.getLong(8);
        segmentSize = rs.getLong(9);
        Instant lastArchivedAt = instant(rs.getTimestamp(11));
        Instant lastFailedAt = instant(rs.getTimestamp(14));
        Instant countingSince = instant(rs.getTimestamp(15));
        Instant now = instant(rs.getTimestamp(16));
        status =
            ArchiverStatus.builder()
                .server(server)
                .reachable(true)
                .systemIdentifier(rs.getString(1))
                .timeline(rs.getInt(17))
                .inRecovery(inRecovery)
                .archiving(archiving)
                .archiveMode(mode)
                .archiveTimeoutSeconds(rs.getInt(6))
                .currentLsn(rs.getString(7))
                .lastArchivedWal(rs.getString(10))
                .lastArchivedAt(lastArchivedAt)
                .failedCount(rs.getLong(12))
                .lastFailedWal(rs.getString(13))
                .lastFailedAt(lastFailedAt)
                .failing(
                    lastFailedAt != null
                        && (lastArchivedAt == null || lastFailedAt.isAfter(lastArchivedAt)))
                .readAt(now);
        // What the lag counts from: the last archiving, or (none since the statistics began)
        // their start, which is no later than the oldest WAL still waiting.
        Instant since = lastArchivedAt != null ? lastArchivedAt : countingSince;
        status.lagSeconds(
            since == null ? null : (now.toEpochMilli() - since.toEpochMilli()) / 1000.0);
      }
      int readySegments;
      try (ResultSet rs = s.executeQuery(READY)) {
        rs.next();
        readySegments = rs.getInt(1);
      }
      List<ArchiverStatus.SlotRetention> slots = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(SLOTS)) {
        while (rs.next()) {
          long retained = rs.getLong(3);
          slots.add(
              new ArchiverStatus.SlotRetention(
                  rs.getString(1), rs.getBoolean(2), rs.wasNull() ? null : retained));
        }
      }
      status.slots(slots).readySegments(readySegments);
      if (inRecovery) {
        // A standby writes no WAL of its own; what it would lose is its primary's to measure.
        return status.pendingBytes(null).lagSeconds(null).build();
      }
      long pending = readySegments * segmentSize + segmentOffset;
      ArchiverStatus read = status.pendingBytes(pending).build();
      // Nothing unarchived: nothing at risk, however long ago the last archiving was.
      return pending == 0 ? read.toBuilder().lagSeconds(0.0).build() : read;
    }
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
