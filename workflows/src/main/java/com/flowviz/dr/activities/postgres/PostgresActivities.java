package com.flowviz.dr.activities.postgres;

import com.flowviz.dr.activities.crypto.ArchiveHeader;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Duration;
import java.util.List;

/**
 * The target PostgreSQL server. Every method takes the server last; null means the worker's own
 * (its PG* settings), which keeps calls recorded before servers were a parameter valid.
 */
@ActivityInterface
public interface PostgresActivities {

  /**
   * Creates (or re-creates, when an earlier attempt left one) the staging database and the
   * extensions the application needs (runbook 4.3 step 3).
   */
  @ActivityMethod
  void prepareStagingDatabase(String stagingDatabase, PgServer server);

  /**
   * {@code pg_restore --no-owner --no-privileges} of a local archive into the staging database. A
   * retry starts from a fresh staging database. Runs on the host queue.
   */
  @ActivityMethod
  PgRestoreOutcome restoreIntoStaging(String dumpPath, String stagingDatabase, PgServer server);

  /**
   * {@code pg_dump -Fc} of {@code database} on {@code source} (a recovered copy) into this
   * workflow's work directory, for {@link #restoreIntoStaging}; returns the archive's path. Runs on
   * the host queue, beside the restore that reads it. A retry dumps again from the start.
   */
  @ActivityMethod
  String dumpForStaging(PgServer source, String database);

  /**
   * Ends the sessions on the live database, renames it to the retired name and renames staging to
   * the live name, in one transaction.
   */
  @ActivityMethod
  SwapOutcome swapIntoLive(SwapRequest request, PgServer server);

  /**
   * Drops a staging database this workflow created. Only names of staging databases are accepted.
   */
  @ActivityMethod
  boolean dropStagingDatabase(String stagingDatabase, PgServer server);

  /**
   * Waits until the server accepts connections (as pg_isready does), up to the deadline; then
   * reports its version. Fails with the last error seen when the deadline passes.
   */
  @ActivityMethod
  ServerInfo awaitServerReady(PgServer server, Duration deadline);

  /**
   * Creates the database (if absent) and the application's extensions in it (runbook 4.3 step 3).
   */
  @ActivityMethod
  void createDatabaseWithExtensions(String database, PgServer server);

  /**
   * Fails, naming both versions and what to install, when the local pg_restore cannot read the
   * archive or the server's major version is older than the one the dump came from.
   */
  @ActivityMethod
  void checkRestoreCompatibility(ArchiveHeader archive, PgServer server);

  /**
   * Compares a restored backup with the live database table by table, by primary key: rows the live
   * database lost, rows it gained since the backup, rows changed. Reads only.
   */
  @ActivityMethod
  DataGap compareDatabases(String liveDatabase, String recoveredDatabase, PgServer server);

  /**
   * Surgical recovery after an accidental deletion: copies back into the live database only the
   * rows the recovered database holds and the live one lacks, parents before children, in one
   * transaction. Rows written since the backup are kept. Safe to run twice: a second run finds the
   * marker the first one committed and reports its counts.
   *
   * @param operationId names this undelete (the workflow id), for the marker
   */
  @ActivityMethod
  UndeleteOutcome reinsertMissingRows(
      String liveDatabase, String recoveredDatabase, String operationId, PgServer server);

  /**
   * Opens again the databases a swap closed (ALLOW_CONNECTIONS false) and left closed because it
   * died and was never retried: those whose closing marker names a workflow that is no longer
   * running, and {@code ownDatabase}, which the caller holds the lease on (so no swap of it is
   * under way) whatever closed it. Databases closed by a swap still running are left alone.
   *
   * @param ownDatabase the database the calling procedure holds the lease on, or null
   */
  @ActivityMethod
  List<ReopenedDatabase> reopenAbandonedDatabases(String ownDatabase, PgServer server);

  /**
   * The live database's fingerprint, taken when it is compared, checked again by the swap. Reads
   * only.
   */
  @ActivityMethod
  LiveFingerprint fingerprintLiveDatabase(String database, PgServer server);
}
