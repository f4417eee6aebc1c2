package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.workflows.FailureTypes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * What a cluster says about itself over an ordinary connection: its identity, how much WAL it
 * writes and where that WAL goes, whether the connecting role may replicate, and how archiving has
 * fared ({@code pg_stat_archiver}). Every value is readable by any role in PostgreSQL 15.
 */
record ClusterSettings(
    String systemIdentifier,
    int checkpointTimeline,
    String serverVersion,
    String walLevel,
    String archiveMode,
    String archiveCommand,
    String archiveLibrary,
    int maxWalSenders,
    long walSegmentSize,
    String role,
    boolean canReplicate,
    String lastArchivedWal,
    Instant lastArchivedAt,
    long failedCount,
    String lastFailedWal) {

  private static final String QUERY =
      "SELECT s.system_identifier::text, k.timeline_id, current_setting('server_version'),"
          + " current_setting('wal_level'), current_setting('archive_mode'),"
          + " current_setting('archive_command'), current_setting('archive_library', true),"
          + " current_setting('max_wal_senders')::int,"
          + " pg_size_bytes(current_setting('wal_segment_size')),"
          + " current_user, r.rolsuper OR r.rolreplication,"
          + " a.last_archived_wal, a.last_archived_time, a.failed_count, a.last_failed_wal"
          + " FROM pg_control_system() s, pg_control_checkpoint() k, pg_stat_archiver a, pg_roles r"
          + " WHERE r.rolname = current_user";

  static ClusterSettings read(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(QUERY)) {
      rs.next();
      Timestamp lastArchived = rs.getTimestamp(13);
      return new ClusterSettings(
          rs.getString(1),
          rs.getInt(2),
          rs.getString(3),
          rs.getString(4),
          rs.getString(5),
          rs.getString(6),
          rs.getString(7),
          rs.getInt(8),
          rs.getLong(9),
          rs.getString(10),
          rs.getBoolean(11),
          rs.getString(12),
          lastArchived == null ? null : lastArchived.toInstant(),
          rs.getLong(14),
          rs.getString(15));
    }
  }

  /**
   * Refuses, naming the setting and its fix, a cluster whose base backup could not work: no retry
   * changes a server's configuration.
   */
  void refuseWhatCannotWork(String server) {
    if ("minimal".equals(walLevel)) {
      throw refuse(
          "The server "
              + server
              + " runs with wal_level = minimal: it writes too little WAL for a base backup to be"
              + " restored from the archive, and accepts no replication connection. Set wal_level"
              + " = replica (ALTER SYSTEM SET wal_level = 'replica'; with archive_mode = on and"
              + " max_wal_senders = 10), restart PostgreSQL, then take the base backup again.");
    }
    if ("off".equals(archiveMode)) {
      throw refuse(
          "The server "
              + server
              + " runs with archive_mode = off: no WAL reaches the archive, so a base backup would"
              + " wait forever at its end for the WAL it needs, and could never be restored. Set"
              + " archive_mode = on and archive_command to flowviz-dr's WAL archive command (ALTER"
              + " SYSTEM SET ...), restart PostgreSQL, then take the base backup again.");
    }
    if (isBlank(archiveCommand) && isBlank(archiveLibrary)) {
      throw refuse(
          "The server "
              + server
              + " has archive_mode = "
              + archiveMode
              + " but an empty archive_command (and no archive_library): it keeps its WAL and"
              + " archives none, so a base backup would wait forever at its end for the WAL it"
              + " needs. Set archive_command to flowviz-dr's WAL archive command (ALTER SYSTEM SET"
              + " archive_command = '...'; SELECT pg_reload_conf()), then take the base backup"
              + " again.");
    }
    if (maxWalSenders == 0) {
      throw refuse(
          "The server "
              + server
              + " runs with max_wal_senders = 0 and accepts no replication connection, which"
              + " pg_basebackup needs. Set max_wal_senders = 10 (ALTER SYSTEM SET), restart"
              + " PostgreSQL, then take the base backup again.");
    }
    if (!canReplicate) {
      throw refuse(
          "The role "
              + role
              + " the worker connects to "
              + server
              + " as has neither the REPLICATION nor the SUPERUSER attribute, and pg_basebackup"
              + " connects for replication. Grant it (ALTER ROLE "
              + role
              + " REPLICATION;), then take the base backup again.");
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  static RuntimeException refuse(String message) {
    return NonRetryable.failure(FailureTypes.ARCHIVING_NOT_CONFIGURED, message);
  }
}
