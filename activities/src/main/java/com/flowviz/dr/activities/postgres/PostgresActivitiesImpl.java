package com.flowviz.dr.activities.postgres;

import com.flowviz.dr.activities.common.CallingWorkflow;
import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.common.ProgressMeter;
import com.flowviz.dr.activities.crypto.ArchiveHeader;
import com.flowviz.dr.activities.lease.RunningWorkflows;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.process.ProcessFailedException;
import com.flowviz.dr.activities.verify.ApplicationLogin;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.Names;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class PostgresActivitiesImpl implements PostgresActivities {

  private static final Logger log = LoggerFactory.getLogger(PostgresActivitiesImpl.class);
  private static final Pattern SAFE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Duration PG_RESTORE_TIMEOUT = Duration.ofHours(8);
  private static final int SWAP_ATTEMPTS = 5;

  private final PgServers servers;
  private final PgBinaries binaries;
  private final WorkDirectory workDirectory;
  private final int restoreJobs;
  private final List<String> extensions;
  private final Set<String> protectedDatabases;
  private final RunningWorkflows runningWorkflows;
  private final ApplicationLogin applicationLogin;

  /**
   * @param restoreJobs {@code pg_restore -j}; parallel restore needs a seekable archive file, which
   *     the work file is
   * @param extensions created in every staging database (runbook 4.3 step 3), e.g. uuid-ossp
   * @param protectedDatabases never replaced nor dropped (the audit trail's database)
   */
  public PostgresActivitiesImpl(
      PgServers servers,
      PgBinaries binaries,
      WorkDirectory workDirectory,
      int restoreJobs,
      List<String> extensions,
      Set<String> protectedDatabases) {
    this(
        servers,
        binaries,
        workDirectory,
        restoreJobs,
        extensions,
        protectedDatabases,
        RunningWorkflows.UNKNOWN);
  }

  /**
   * @param runningWorkflows tells whether the workflow that closed a database for its swap still
   *     runs; without it only the caller's own database is reopened
   */
  public PostgresActivitiesImpl(
      PgServers servers,
      PgBinaries binaries,
      WorkDirectory workDirectory,
      int restoreJobs,
      List<String> extensions,
      Set<String> protectedDatabases,
      RunningWorkflows runningWorkflows) {
    this(
        servers,
        binaries,
        workDirectory,
        restoreJobs,
        extensions,
        protectedDatabases,
        runningWorkflows,
        null);
  }

  /**
   * @param applicationLogin the application's role: created with the password of its secret when a
   *     restore needs it on a server that lacks it (a new instance); null when none is configured
   */
  public PostgresActivitiesImpl(
      PgServers servers,
      PgBinaries binaries,
      WorkDirectory workDirectory,
      int restoreJobs,
      List<String> extensions,
      Set<String> protectedDatabases,
      RunningWorkflows runningWorkflows,
      ApplicationLogin applicationLogin) {
    this.applicationLogin = applicationLogin;
    this.runningWorkflows = runningWorkflows;
    this.servers = servers;
    this.binaries = binaries;
    this.workDirectory = workDirectory;
    this.restoreJobs = Math.max(1, restoreJobs);
    this.extensions = List.copyOf(extensions);
    this.protectedDatabases = Set.copyOf(protectedDatabases);
  }

  @Override
  public void prepareStagingDatabase(String stagingDatabase, PgServer server) {
    requireStagingName(stagingDatabase);
    PgClient pg = servers.client(server);
    try (Connection c = pg.connectMaintenance()) {
      recreate(c, stagingDatabase);
    } catch (SQLException e) {
      throw sqlFailure("prepare the staging database " + stagingDatabase, e);
    }
    createExtensions(pg, stagingDatabase);
    log.info("Prepared staging database {} with extensions {}", stagingDatabase, extensions);
  }

  private void createExtensions(PgClient pg, String database) {
    try (Connection c = pg.connect(database);
        Statement s = c.createStatement()) {
      for (String extension : extensions) {
        s.execute("CREATE EXTENSION IF NOT EXISTS " + PgClient.quote(extension));
      }
    } catch (SQLException e) {
      if ("0A000".equals(e.getSQLState()) || "58P01".equals(e.getSQLState())) {
        throw NonRetryable.failure(
            FailureTypes.CONFIGURATION,
            "The extension needed by the application is not installed on "
                + pg.settings()
                + ": "
                + e.getMessage()
                + ". Install PostgreSQL's contrib package on the database server.");
      }
      throw sqlFailure("create extensions " + extensions + " in " + database, e);
    }
  }

  @Override
  public String dumpForStaging(PgServer source, String database) {
    PgClient pg = servers.client(source);
    Path directory = workDirectory.forWorkflow(CallingWorkflow.workflowId());
    Path dump = directory.resolve(COPY_FILE);
    Path partial = directory.resolve(COPY_FILE + ".part");
    try {
      Files.createDirectories(directory);
      Files.deleteIfExists(partial);
      try (ChildProcess child =
          ChildProcess.start(
              List.of(
                  binaries.program("pg_dump"),
                  "--format=custom",
                  "--compress=1",
                  "--file=" + partial,
                  "--dbname=" + database),
              pg.settings().toolEnvironment(database),
              null,
              null,
              true)) {
        ProgressMeter meter = new ProgressMeter("bytes of the archive written by pg_dump", "bytes");
        child.awaitSuccess(
            PG_RESTORE_TIMEOUT,
            () -> Heartbeats.beat(meter.at(partial.toFile().length(), 0, database)));
      }
      Files.move(partial, dump, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (ProcessFailedException e) {
      throw new IllegalStateException(
          "pg_dump of " + database + " on " + source.describe() + " failed: " + e.getMessage(), e);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    log.info("Dumped {} on {} into {} for staging", database, source.describe(), dump);
    return dump.toString();
  }

  /** The archive a point-in-time copy is dumped to, beside where 4.1 decrypts its backups. */
  static final String COPY_FILE = "recovered-copy.dump";

  @Override
  public PgRestoreOutcome restoreIntoStaging(
      String dumpPath, String stagingDatabase, PgServer server) {
    requireStagingName(stagingDatabase);
    PgClient pg = servers.client(server);
    Path dump = Path.of(dumpPath);
    if (!workDirectory.contains(dump) || !Files.isRegularFile(dump)) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_CORRUPT,
          "The decrypted archive "
              + dump
              + " is not on this host any more; start the restore again.");
    }
    String pgRestore = binaries.program("pg_restore");
    PgToolVersion version = PgToolVersion.of(pgRestore);
    checkArchiveReadable(dump, version);

    // Staging is made afresh from the archive's own database entry below: what an earlier attempt
    // (perhaps from a worker that died) restored into it goes with it.
    String targetSpace = describeTargetSpace(pg, dump);
    // The archive's database as it was: its properties, owners, grants and the roles they name.
    ArchiveDatabase archive =
        ArchiveDatabase.read(pgRestore, dump, pg.settings().toolEnvironment());
    FaithfulStaging faithful =
        new FaithfulStaging(pg, archive, ClusterGlobals.besideArchive(dump), applicationRole());
    FaithfulStaging.Plan plan = prepareFaithfully(faithful, pg, stagingDatabase);
    AtomicInteger items = new AtomicInteger();
    long started = System.nanoTime();
    try {
      runPgRestore(pgRestore, plan, pg, stagingDatabase, dump, items, version);
    } catch (ApplicationFailure e) {
      String refused = plan.ownersAndPrivileges() ? ownershipRefusal(e.getOriginalMessage()) : null;
      if (refused == null) {
        throw e;
      }
      // The runbook's "if permission errors": the worker's role may not give objects to their
      // owners.
      log.warn(
          "pg_restore as {} could not restore owners and grants ({}); restoring again with"
              + " --no-owner --no-privileges",
          pg.settings().user(),
          refused);
      plan =
          plan.withoutOwners(
              PgRestoreOutcome.FALLBACK
                  + " --no-owner --no-privileges: pg_restore as "
                  + pg.settings().user()
                  + " could not restore the archive's owners and grants ("
                  + refused
                  + "); every object belongs to "
                  + pg.settings().user()
                  + " and the archive's grants are not applied, so the application's role may not"
                  + " read it");
      prepareFaithfully(faithful, pg, stagingDatabase);
      items.set(0);
      runPgRestore(pgRestore, plan, pg, stagingDatabase, dump, items, version);
    }
    List<String> fidelity;
    try {
      fidelity = faithful.finish(stagingDatabase, plan);
    } catch (SQLException e) {
      throw sqlFailure("apply the archive's database settings to " + stagingDatabase, e);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    log.info(
        "pg_restore -j {} of {} into {} took {} ms ({} items){}",
        restoreJobs,
        dump.getFileName(),
        stagingDatabase,
        millis,
        items.get(),
        fidelity.isEmpty() ? "" : "; " + fidelity);
    return new PgRestoreOutcome(
        stagingDatabase,
        restoreJobs,
        millis,
        version.version(),
        items.get(),
        targetSpace,
        fidelity);
  }

  private FaithfulStaging.Plan prepareFaithfully(
      FaithfulStaging faithful, PgClient pg, String stagingDatabase) {
    FaithfulStaging.Plan plan;
    try {
      plan = faithful.prepare(stagingDatabase);
    } catch (SQLException e) {
      throw sqlFailure("create the staging database " + stagingDatabase + " as the archive's", e);
    }
    createExtensions(pg, stagingDatabase);
    return plan;
  }

  private void runPgRestore(
      String pgRestore,
      FaithfulStaging.Plan plan,
      PgClient pg,
      String stagingDatabase,
      Path dump,
      AtomicInteger items,
      PgToolVersion version) {
    List<String> command = new ArrayList<>(List.of(pgRestore));
    command.addAll(plan.pgRestoreFlags());
    command.addAll(
        List.of(
            "--exit-on-error",
            "--verbose",
            "--jobs=" + restoreJobs,
            "--dbname=" + stagingDatabase,
            dump.toString()));
    try (ChildProcess child =
        ChildProcess.start(
            command,
            pg.settings().toolEnvironment(),
            null,
            line -> {
              if (line.startsWith("pg_restore: processing")
                  || line.startsWith("pg_restore: creating")) {
                items.incrementAndGet();
              }
            },
            true)) {
      long archiveBytes = dump.toFile().length();
      ProgressMeter meter = new ProgressMeter("bytes of the archive read by pg_restore", "bytes");
      child.awaitSuccess(
          PG_RESTORE_TIMEOUT,
          () ->
              Heartbeats.beat(
                  meter.at(
                      Math.min(child.bytesRead(), archiveBytes),
                      archiveBytes,
                      items.get() + " items processed")));
    } catch (ProcessFailedException e) {
      throw pgRestoreFailure(e, version);
    }
  }

  /**
   * The server's refusal to give an object its owner or grant, from pg_restore's failure; null when
   * it failed otherwise.
   */
  private static String ownershipRefusal(String message) {
    if (message == null) {
      return null;
    }
    for (String sign :
        List.of(
            "must be owner of",
            "must be member of role",
            "must be able to SET ROLE",
            "permission denied to grant",
            "permission denied to change default privileges",
            "must be superuser")) {
      int at = message.indexOf(sign);
      if (at >= 0) {
        int end = message.indexOf(" | ", at);
        return message.substring(at, end < 0 ? message.length() : end);
      }
    }
    return null;
  }

  private FaithfulStaging.ApplicationRole applicationRole() {
    return applicationLogin == null || !applicationLogin.configured()
        ? null
        : new FaithfulStaging.ApplicationRole(applicationLogin.role(), applicationLogin::password);
  }

  /**
   * The target server's free space, where the worker can see it (the server's data directory on
   * this host), else a plain statement that it cannot: a remote server's volume is not visible over
   * SQL. Never a refusal: how much a restore needs beyond the archive (indexes are rebuilt, the
   * archive is compressed) is not known in advance; a full disk ends pg_restore with DiskFull.
   */
  private static String describeTargetSpace(PgClient pg, Path dump) {
    String dataDirectory;
    try (Connection c = pg.connectMaintenance();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('data_directory')")) {
      rs.next();
      dataDirectory = rs.getString(1);
    } catch (SQLException e) {
      return "target server's free space not known: its data directory is not visible to the"
          + " worker's role ("
          + e.getSQLState()
          + ")";
    }
    String host = pg.settings().host();
    boolean local =
        host.equals("localhost")
            || host.equals("127.0.0.1")
            || host.equals("::1")
            || host.startsWith("/");
    Path dir = Path.of(dataDirectory);
    if (local && Files.isDirectory(dir)) {
      try {
        long free = Files.getFileStore(dir).getUsableSpace();
        return "target server's volume has "
            + free
            + " bytes free at "
            + dir
            + " (archive "
            + Files.size(dump)
            + " bytes)";
      } catch (IOException e) {
        return "target server's free space not known: "
            + dir
            + " cannot be read ("
            + e.getMessage()
            + ")";
      }
    }
    return "target server's free space not known: "
        + pg.settings().host()
        + ":"
        + pg.settings().port()
        + " is not on this host, and PostgreSQL does not report its volume's free space";
  }

  @Override
  public SwapOutcome swapIntoLive(SwapRequest request, PgServer server) {
    PgClient pg = servers.client(server);
    requireStagingName(request.stagingDatabase());
    requireSafeName(request.liveDatabase());
    requireSafeName(request.retiredDatabase());
    if (protectedDatabases.contains(request.liveDatabase())) {
      throw NonRetryable.failure(
          FailureTypes.SWAP_REFUSED,
          "\""
              + request.liveDatabase()
              + "\" holds the recovery audit trail and is never replaced by a restore.");
    }
    for (int attempt = 1; ; attempt++) {
      try (Connection c = pg.connectMaintenance()) {
        SwapOutcome outcome = trySwap(pg, c, request);
        if (outcome != null) {
          return outcome;
        }
      } catch (SQLException e) {
        if (!"55006".equals(e.getSQLState()) || attempt == SWAP_ATTEMPTS) {
          throw sqlFailure(
              "swap " + request.stagingDatabase() + " into " + request.liveDatabase(), e);
        }
        // 55006: a client reconnected between terminating sessions and renaming; once more.
        log.info(
            "Sessions reconnected to {} during the swap; retrying ({}/{})",
            request.liveDatabase(),
            attempt,
            SWAP_ATTEMPTS);
      }
    }
  }

  /** Null when the swap must be tried again. */
  private SwapOutcome trySwap(PgClient pg, Connection c, SwapRequest request) throws SQLException {
    boolean liveExists = databaseExists(c, request.liveDatabase());
    boolean stagingExists = databaseExists(c, request.stagingDatabase());
    if (liveExists
        && request.marker().equals(comment(c, request.liveDatabase()))
        && !stagingExists) {
      log.info(
          "{} already holds the restore ({}); nothing to do",
          request.liveDatabase(),
          request.marker());
      return new SwapOutcome(
          request.liveDatabase(),
          databaseExists(c, request.retiredDatabase()) ? request.retiredDatabase() : null,
          0,
          true);
    }
    if (!stagingExists) {
      throw NonRetryable.failure(
          FailureTypes.SWAP_REFUSED,
          "The staging database "
              + request.stagingDatabase()
              + " does not exist, so there is nothing verified to swap in;"
              + " the live database was not touched. Start the restore again.");
    }
    if (liveExists && databaseExists(c, request.retiredDatabase())) {
      throw NonRetryable.failure(
          FailureTypes.SWAP_REFUSED,
          "The name "
              + request.retiredDatabase()
              + " for keeping the replaced database is taken; the live database was"
              + " not touched. Rename or drop "
              + request.retiredDatabase()
              + " and start the restore again.");
    }
    if (liveExists && request.expectedLive() != null) {
      requireUnchanged(pg, c, request);
    }
    int terminated = 0;
    c.setAutoCommit(true);
    ClosingMarker closing = null;
    if (liveExists) {
      // Said first: a swap that dies here, never retried, leaves a database refusing connections,
      // and this names the workflow to ask whether it still runs (reopenAbandonedDatabases).
      closing = ClosingMarker.closing(swappingWorkflow(), comment(c, request.liveDatabase()));
      execute(
          c,
          "COMMENT ON DATABASE "
              + PgClient.quote(request.liveDatabase())
              + " IS "
              + literal(closing.text()));
      // No new sessions while we end the current ones (runbook section 8) and rename.
      execute(
          c,
          "ALTER DATABASE "
              + PgClient.quote(request.liveDatabase())
              + " WITH ALLOW_CONNECTIONS false");
    }
    boolean committed = false;
    try {
      terminated =
          terminateSessions(c, request.liveDatabase())
              + terminateSessions(c, request.stagingDatabase());
      c.setAutoCommit(false);
      if (liveExists) {
        execute(
            c,
            "ALTER DATABASE "
                + PgClient.quote(request.liveDatabase())
                + " RENAME TO "
                + PgClient.quote(request.retiredDatabase()));
        execute(
            c,
            "ALTER DATABASE "
                + PgClient.quote(request.retiredDatabase())
                + " WITH ALLOW_CONNECTIONS true");
        setComment(c, request.retiredDatabase(), closing.previousComment());
      }
      execute(
          c,
          "ALTER DATABASE "
              + PgClient.quote(request.stagingDatabase())
              + " RENAME TO "
              + PgClient.quote(request.liveDatabase()));
      execute(
          c,
          "COMMENT ON DATABASE "
              + PgClient.quote(request.liveDatabase())
              + " IS "
              + literal(request.marker()));
      c.commit();
      committed = true;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
      if (!committed && liveExists) {
        // Leave the live database exactly as it was: accepting connections again.
        execute(
            c,
            "ALTER DATABASE "
                + PgClient.quote(request.liveDatabase())
                + " WITH ALLOW_CONNECTIONS true");
        setComment(c, request.liveDatabase(), closing.previousComment());
      }
    }
    log.info(
        "Swapped {} into {}; the replaced database is kept as {}",
        request.stagingDatabase(),
        request.liveDatabase(),
        liveExists ? request.retiredDatabase() : "(none existed)");
    return new SwapOutcome(
        request.liveDatabase(), liveExists ? request.retiredDatabase() : null, terminated, false);
  }

  @Override
  public LiveFingerprint fingerprintLiveDatabase(String database, PgServer server) {
    requireSafeName(database);
    PgClient pg = servers.client(server);
    try (Connection maintenance = pg.connectMaintenance()) {
      return fingerprint(pg, maintenance, database);
    } catch (SQLException e) {
      throw sqlFailure("fingerprint " + database, e);
    }
  }

  private LiveFingerprint fingerprint(PgClient pg, Connection maintenance, String database)
      throws SQLException {
    long oid;
    try (PreparedStatement s =
        maintenance.prepareStatement("SELECT oid FROM pg_database WHERE datname = ?")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw NonRetryable.failure(
              FailureTypes.INVALID_INPUT, "There is no database " + database + " to fingerprint.");
        }
        oid = rs.getLong(1);
      }
    }
    // User tables only: autovacuum and ANALYZE write catalogs, not these counters.
    try (Connection c = pg.connect(database);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM"
                    + " pg_stat_user_tables")) {
      rs.next();
      return new LiveFingerprint(database, oid, rs.getLong(1));
    }
  }

  /** The live database must still be the one a person compared and approved replacing. */
  private void requireUnchanged(PgClient pg, Connection c, SwapRequest request)
      throws SQLException {
    LiveFingerprint expected = request.expectedLive();
    LiveFingerprint now = fingerprint(pg, c, request.liveDatabase());
    String changed = null;
    if (now.oid() != expected.oid()) {
      changed =
          "another database was put in its place (OID "
              + expected.oid()
              + " then, "
              + now.oid()
              + " now)";
    } else if (now.rowWrites() != expected.rowWrites()) {
      changed =
          (now.rowWrites() - expected.rowWrites())
              + " rows were inserted, updated or deleted in it";
    }
    if (changed != null) {
      throw NonRetryable.failure(
          FailureTypes.LIVE_DATABASE_CHANGED,
          "The live database "
              + request.liveDatabase()
              + " changed since it was compared and the swap approved: "
              + changed
              + ". Nothing was swapped; the staged restore "
              + request.stagingDatabase()
              + " is kept until the procedure ends."
              + " Compare again (start the incident again) before replacing it.");
    }
  }

  /** The workflow whose swap this is; "unknown" outside an activity (a tool driving it by hand). */
  private static String swappingWorkflow() {
    try {
      return Activity.getExecutionContext().getInfo().getWorkflowId();
    } catch (IllegalStateException e) {
      return "unknown";
    }
  }

  private static void setComment(Connection c, String database, String comment)
      throws SQLException {
    execute(
        c,
        "COMMENT ON DATABASE "
            + PgClient.quote(database)
            + " IS "
            + (comment == null ? "NULL" : literal(comment)));
  }

  @Override
  public List<ReopenedDatabase> reopenAbandonedDatabases(String ownDatabase, PgServer server) {
    PgClient pg = servers.client(server);
    List<ReopenedDatabase> reopened = new ArrayList<>();
    try (Connection c = pg.connectMaintenance()) {
      for (ClosedDatabase closed : closedDatabases(c)) {
        String why = whyAbandoned(closed, ownDatabase);
        if (why == null) {
          continue;
        }
        execute(
            c, "ALTER DATABASE " + PgClient.quote(closed.name()) + " WITH ALLOW_CONNECTIONS true");
        if (closed.marker() != null) {
          setComment(c, closed.name(), closed.marker().previousComment());
        }
        ReopenedDatabase r =
            new ReopenedDatabase(
                closed.name(), closed.marker() == null ? null : closed.marker().workflowId(), why);
        log.warn("Opened {} on {} again: {}", closed.name(), pg.settings(), r.describe());
        reopened.add(r);
      }
    } catch (SQLException e) {
      throw sqlFailure("look for databases a swap left closed", e);
    }
    return reopened;
  }

  private record ClosedDatabase(String name, ClosingMarker marker) {}

  private static List<ClosedDatabase> closedDatabases(Connection c) throws SQLException {
    List<ClosedDatabase> closed = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database WHERE NOT"
                    + " datallowconn AND NOT datistemplate ORDER BY datname")) {
      while (rs.next()) {
        closed.add(new ClosedDatabase(rs.getString(1), ClosingMarker.parse(rs.getString(2))));
      }
    }
    return closed;
  }

  /** Null when the database must stay closed. */
  private String whyAbandoned(ClosedDatabase closed, String ownDatabase) {
    Optional<Boolean> running =
        closed.marker() == null
            ? Optional.empty()
            : runningWorkflows.isRunning(closed.marker().workflowId());
    if (running.orElse(false)) {
      log.info(
          "{} is closed by the swap of {}, which still runs; left alone",
          closed.name(),
          closed.marker().workflowId());
      return null;
    }
    if (closed.name().equals(ownDatabase)) {
      return "the procedure opening it holds its lease, so no swap of it is under way";
    }
    if (running.isPresent()) {
      return "the workflow "
          + closed.marker().workflowId()
          + " that closed it for its swap is no longer running";
    }
    if (closed.marker() != null) {
      log.warn(
          "{} was closed by the swap of {}; whether that still runs cannot be told, so it stays"
              + " closed",
          closed.name(),
          closed.marker().workflowId());
    }
    // Closed by someone other than a swap of ours: not ours to open.
    return null;
  }

  @Override
  public boolean dropStagingDatabase(String stagingDatabase, PgServer server) {
    requireStagingName(stagingDatabase);
    PgClient pg = servers.client(server);
    try (Connection c = pg.connectMaintenance()) {
      boolean existed = databaseExists(c, stagingDatabase);
      execute(c, "DROP DATABASE IF EXISTS " + PgClient.quote(stagingDatabase) + " WITH (FORCE)");
      return existed;
    } catch (SQLException e) {
      throw sqlFailure("drop the staging database " + stagingDatabase, e);
    }
  }

  @Override
  public ServerInfo awaitServerReady(PgServer server, Duration deadline) {
    PgClient pg = servers.client(server);
    long started = System.nanoTime();
    long until = started + deadline.toNanos();
    String lastError = "no attempt";
    while (true) {
      try (Connection c = pg.connectMaintenance();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT current_setting('server_version'),"
                      + " current_setting('server_version_num')::int / 10000")) {
        rs.next();
        long waited = (System.nanoTime() - started) / 1_000_000;
        log.info(
            "{} accepts connections after {} ms: PostgreSQL {}",
            pg.settings(),
            waited,
            rs.getString(1));
        return new ServerInfo(rs.getString(1).split(" ")[0], rs.getInt(2), waited);
      } catch (SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("28")) {
          throw sqlFailure("connect to the new server " + pg.settings(), e);
        }
        lastError = e.getMessage();
      }
      if (System.nanoTime() > until) {
        throw NonRetryable.failure(
            "ServerNotReady",
            "The PostgreSQL server at "
                + pg.settings()
                + " did not accept connections within "
                + deadline
                + "; the last"
                + " attempt said: "
                + lastError
                + ". Look at the instance's log (docker logs <name>, or the cluster's"
                + " server.log), then run the procedure again: it reuses the instance.");
      }
      Heartbeats.beat("waiting for " + pg.settings() + ": " + lastError);
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + pg.settings(), e);
      }
    }
  }

  @Override
  public void createDatabaseWithExtensions(String database, PgServer server) {
    requireSafeName(database);
    PgClient pg = servers.client(server);
    try (Connection c = pg.connectMaintenance()) {
      if (!databaseExists(c, database)) {
        execute(c, "CREATE DATABASE " + PgClient.quote(database));
      }
    } catch (SQLException e) {
      if (!"42P04".equals(e.getSQLState())) {
        throw sqlFailure("create database " + database, e);
      }
    }
    createExtensions(pg, database);
  }

  @Override
  public void checkRestoreCompatibility(ArchiveHeader archive, PgServer server) {
    if (archive == null) {
      return;
    }
    PgToolVersion pgRestore = PgToolVersion.of(binaries.program("pg_restore"));
    if (archive.archiveVersion() != null) {
      PgDumpHeader header =
          new PgDumpHeader(
              archive.archiveVersion(), 1, null, archive.serverVersion(), archive.pgDumpVersion());
      if (!header.readableBy(pgRestore.major())) {
        throw NonRetryable.failure(
            FailureTypes.PG_VERSION_MISMATCH,
            "The backup was written by pg_dump "
                + archive.pgDumpVersion()
                + " (archive format "
                + archive.archiveVersion()
                + "); the worker's pg_restore is "
                + pgRestore.version()
                + " and cannot read it. Install the PostgreSQL "
                + header.pgDumpMajor().map(String::valueOf).orElse("newer")
                + " client on the worker host (Debian:"
                + " apt-get install postgresql-client-"
                + header.pgDumpMajor().map(String::valueOf).orElse("17")
                + ").");
      }
    }
    ServerInfo target = awaitServerReady(server, Duration.ofSeconds(30));
    if (archive.serverMajor() != null && target.major() < archive.serverMajor()) {
      throw NonRetryable.failure(
          FailureTypes.PG_VERSION_MISMATCH,
          "The backup comes from PostgreSQL "
              + archive.serverVersion()
              + " but the target server runs "
              + target.version()
              + ": a dump cannot be restored into an older major version. Provision PostgreSQL "
              + archive.serverMajor()
              + " or newer (e.g. the postgres:"
              + archive.serverMajor()
              + " image).");
    }
  }

  @Override
  public DataGap compareDatabases(String liveDatabase, String recoveredDatabase, PgServer server) {
    // Read-only, so any two databases may be compared: staging with live, or a replaced database
    // with the restored one.
    requireSafeName(liveDatabase);
    requireSafeName(recoveredDatabase);
    PgClient pg = servers.client(server);
    try {
      DataGap gap = DataGapComparison.compare(pg, liveDatabase, recoveredDatabase);
      log.info("Data gap between {} and {}: {}", liveDatabase, recoveredDatabase, gap.describe());
      return gap;
    } catch (SQLException e) {
      if ("3D000".equals(e.getSQLState())) {
        throw NonRetryable.failure(
            FailureTypes.INVALID_INPUT,
            "Cannot compare "
                + liveDatabase
                + " with "
                + recoveredDatabase
                + ": "
                + e.getMessage()
                + ". Both must exist on "
                + pg.settings()
                + ".");
      }
      throw sqlFailure("compare " + liveDatabase + " with " + recoveredDatabase, e);
    }
  }

  @Override
  public UndeleteOutcome reinsertMissingRows(
      String liveDatabase, String recoveredDatabase, String operationId, PgServer server) {
    requireSafeName(liveDatabase);
    requireStagingName(recoveredDatabase);
    if (protectedDatabases.contains(liveDatabase)) {
      throw NonRetryable.failure(
          FailureTypes.SWAP_REFUSED,
          "\"" + liveDatabase + "\" holds the recovery audit trail; nothing is written into it.");
    }
    PgClient pg = servers.client(server);
    try {
      UndeleteOutcome outcome =
          SurgicalUndelete.run(pg, liveDatabase, recoveredDatabase, operationId);
      log.info(
          "Undelete {} into {}: {} rows {}",
          operationId,
          liveDatabase,
          outcome.total(),
          outcome.alreadyApplied() ? "(committed by an earlier attempt)" : outcome.inserted());
      return outcome;
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.equals("23503") || state.equals("23514") || state.equals("23502")) {
        // A constraint the backup's rows no longer satisfy: a retry would meet it again.
        throw NonRetryable.failure(
            FailureTypes.UNDELETE_CONFLICT,
            "The deleted rows cannot be put back into "
                + liveDatabase
                + " as they were: "
                + e.getMessage()
                + ". Nothing was changed (the transaction was rolled back). Look at what changed"
                + " since the backup, or choose the full restore.");
      }
      throw sqlFailure("put the deleted rows back into " + liveDatabase, e);
    }
  }

  private void checkArchiveReadable(Path dump, PgToolVersion pgRestore) {
    PgDumpHeader header;
    try (InputStream in = Files.newInputStream(dump)) {
      header = PgDumpHeader.read(in);
    } catch (PgDumpHeader.NotAnArchiveException e) {
      throw NonRetryable.failure(
          FailureTypes.NOT_A_PG_DUMP,
          "The decrypted backup is not a pg_dump custom-format archive: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!header.readableBy(pgRestore.major())) {
      throw NonRetryable.failure(
          FailureTypes.PG_VERSION_MISMATCH,
          "The backup was written by pg_dump "
              + header.pgDumpVersion()
              + " (archive format "
              + header.archiveVersion()
              + "), which the local pg_restore "
              + pgRestore.version()
              + " cannot read. Install the PostgreSQL "
              + header.pgDumpMajor().map(String::valueOf).orElse("newer")
              + " client programs on the worker host"
              + " (Debian: apt-get install postgresql-client-"
              + header.pgDumpMajor().map(String::valueOf).orElse("17")
              + ") or set flowviz.pg.bin-dir to them.");
    }
  }

  private RuntimeException pgRestoreFailure(ProcessFailedException e, PgToolVersion version) {
    String tail = e.stderrTail();
    if (tail.contains("unsupported version") || tail.contains("in file header")) {
      return NonRetryable.failure(
          FailureTypes.PG_VERSION_MISMATCH,
          "pg_restore " + version.version() + " cannot read this archive: " + lastLines(tail, 3));
    }
    if (tail.contains("could not connect")
        || tail.contains("connection to server")
        || tail.contains("server closed the connection")
        || tail.contains("terminating connection")) {
      // The server may be restarting: worth another attempt.
      return new IllegalStateException(
          "pg_restore could not reach the database server: " + lastLines(tail, 3));
    }
    if (tail.contains("No space left on device")
        || tail.contains("could not extend file")
        || tail.contains("53100")) {
      // The server's disk (or the worker's) is full: every retry would fill it again.
      return NonRetryable.failure(
          FailureTypes.DISK_FULL,
          "pg_restore ran out of disk space: "
              + diskFullLine(tail)
              + ". Free space on the database server (or grow its volume) to hold the restored"
              + " database beside the live one, then start the restore again. The live database was"
              + " not touched; the staging database is dropped.");
    }
    return NonRetryable.failure(
        FailureTypes.PG_RESTORE_FAILED,
        "pg_restore failed (exit "
            + e.exitCode()
            + "): "
            + lastLines(tail, 5)
            + ". The live database was not touched.");
  }

  private static void recreate(Connection c, String database) throws SQLException {
    c.setAutoCommit(true);
    execute(c, "DROP DATABASE IF EXISTS " + PgClient.quote(database) + " WITH (FORCE)");
    execute(c, "CREATE DATABASE " + PgClient.quote(database));
  }

  static boolean databaseExists(Connection c, String database) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static String comment(Connection c, String database) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static int terminateSessions(Connection c, String database) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ? AND"
                + " pid <> pg_backend_pid()")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  static void requireSafeName(String name) {
    if (name == null || !SAFE_NAME.matcher(name).matches()) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT, "\"" + name + "\" is not a safe database name.");
    }
  }

  private void requireStagingName(String name) {
    requireSafeName(name);
    if (!name.contains(Names.STAGING_INFIX)) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "\""
              + name
              + "\" is not a staging database name; only those are created or dropped here.");
    }
    for (String protectedName : protectedDatabases) {
      if (name.startsWith(protectedName + Names.STAGING_INFIX)) {
        throw NonRetryable.failure(
            FailureTypes.SWAP_REFUSED,
            "\""
                + protectedName
                + "\" holds the recovery audit trail and is never the target of a restore.");
      }
    }
  }

  static RuntimeException sqlFailure(String what, SQLException e) {
    return SqlStates.failure(what, e);
  }

  /**
   * The server's own words about the full disk (pg_restore's last lines are about its workers
   * dying).
   */
  private static String diskFullLine(String tail) {
    for (String line : tail.strip().split("\n")) {
      if (line.contains("No space left on device") || line.contains("could not extend file")) {
        return line.strip();
      }
    }
    return lastLines(tail, 3);
  }

  private static String lastLines(String text, int count) {
    String[] lines = text.strip().split("\n");
    return String.join(
        " | ", Arrays.copyOfRange(lines, Math.max(0, lines.length - count), lines.length));
  }
}
