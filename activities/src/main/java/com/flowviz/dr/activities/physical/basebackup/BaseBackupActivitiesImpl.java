package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.crypto.OpenPgpKeys;
import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.physical.ArchiveExpiry;
import com.flowviz.dr.activities.physical.ArchiveExpirySpec;
import com.flowviz.dr.activities.physical.ArchivingCheck;
import com.flowviz.dr.activities.physical.ArchivingCluster;
import com.flowviz.dr.activities.physical.BaseBackupActivities;
import com.flowviz.dr.activities.physical.BaseBackupCompression;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.BaseBackupSpec;
import com.flowviz.dr.activities.physical.BaseBackupTaken;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.physical.retention.ArchiveRetention;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.postgres.PgToolVersion;
import com.flowviz.dr.activities.postgres.SqlStates;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.BackupStoreException;
import com.flowviz.dr.activities.storage.StreamingUpload;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base backups of a self-managed PostgreSQL server into the physical archive ({@link
 * PhysicalArchiveLayout}): check that the cluster archives its WAL and admits a replication
 * connection; stream {@code pg_basebackup} through encryption into the bucket; write PostgreSQL's
 * manifest, then flowviz-dr's, last. Every object goes through the signing store, so each gets its
 * detached signature.
 */
public class BaseBackupActivitiesImpl implements BaseBackupActivities {

  private static final Logger log = LoggerFactory.getLogger(BaseBackupActivitiesImpl.class);

  /** A server that has waited this long for its WAL to be archived has a stuck archiver. */
  public static final Duration DEFAULT_ARCHIVE_WAIT_LIMIT = Duration.ofMinutes(30);

  private final PgServers servers;
  private final PgBinaries binaries;
  private final BackupStore store;
  private final RecipientKeys recipients;
  private final ArchiveRetention retention;
  private final Duration archiveWaitLimit;
  private final BaseBackupCompression compression;

  /**
   * @param store the signing store: everything a base backup writes gets its {@code .sig}
   * @param compression how new base backups compress their tar (each manifest says which)
   */
  public BaseBackupActivitiesImpl(
      PgServers servers,
      PgBinaries binaries,
      BackupStore store,
      RecipientKeys recipients,
      ArchiveRetention retention,
      Duration archiveWaitLimit,
      BaseBackupCompression compression) {
    this.servers = servers;
    this.binaries = binaries;
    this.store = store;
    this.recipients = recipients;
    this.retention = retention;
    this.archiveWaitLimit = archiveWaitLimit;
    this.compression = compression;
  }

  @Override
  public ArchivingCluster checkArchiving(ArchivingCheck check) {
    String server = check.server();
    PgClient pg = servers.client(PgServer.named(server));
    ClusterSettings settings = settings(pg, server);
    settings.refuseWhatCannotWork(server);
    ReplicationProbe.Identity identity = ReplicationProbe.identify(pg, binaries, server);
    if (!identity.systemIdentifier().equals(settings.systemIdentifier())) {
      throw NonRetryable.failure(
          FailureTypes.CONFIGURATION,
          "The replication connection to "
              + server
              + " reached the cluster "
              + identity.systemIdentifier()
              + ", the ordinary one "
              + settings.systemIdentifier()
              + ": a pooler or proxy sends them to different servers. Point the server's entry at"
              + " the primary itself, then check again.");
    }
    return ArchivingCluster.builder()
        .server(server)
        .systemIdentifier(settings.systemIdentifier())
        // The WAL sender's timeline is the current one; pg_control's lags until a checkpoint.
        .timeline(identity.timeline())
        .serverVersion(settings.serverVersion())
        .walLevel(settings.walLevel())
        .archiveMode(settings.archiveMode())
        .archiveCommand(settings.archiveCommand())
        .lastArchivedWal(settings.lastArchivedWal())
        .lastArchivedAt(settings.lastArchivedAt())
        .failedCount(settings.failedCount())
        .lastFailedWal(settings.lastFailedWal())
        .build();
  }

  @Override
  public BaseBackupTaken takeBaseBackup(BaseBackupSpec spec) {
    try {
      // The checkpoint, and the wait for the WAL archive at the end, send no bytes to count.
      return Heartbeats.keepAlive("base backup of " + spec.server(), () -> backup(spec));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public ArchiveExpiry expireArchive(ArchiveExpirySpec spec) {
    return retention.expire(spec);
  }

  private BaseBackupTaken backup(BaseBackupSpec spec) {
    long started = System.nanoTime();
    List<PGPPublicKey> keys;
    try {
      keys = recipients.load();
    } catch (PrivateKeySource.KeyUnavailableException e) {
      throw NonRetryable.failure(FailureTypes.KEY_UNAVAILABLE, e.getMessage());
    }
    String server = spec.server();
    PgClient pg = servers.client(PgServer.named(server));
    ClusterSettings settings = settings(pg, server);
    if (!settings.systemIdentifier().equals(spec.systemIdentifier())) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "The server "
              + server
              + " is the cluster "
              + settings.systemIdentifier()
              + ", not "
              + spec.systemIdentifier()
              + " that was checked: it was replaced since. Nothing was written; check the server"
              + " again (checkArchiving), then take the base backup.");
    }
    settings.refuseWhatCannotWork(server);
    String pgBasebackup = binaries.program("pg_basebackup");
    String toolVersion = PgToolVersion.of(pgBasebackup).version();
    try {
      Instant attemptStart = Instant.now();
      String backupId = unusedBackupId(spec, attemptStart);
      String prefix = PhysicalArchiveLayout.backupPrefix(spec.systemIdentifier(), backupId);
      String dataKey = prefix + compression.dataFile();
      log.info("Base backup {} of {} into {}/{}", backupId, server, spec.bucket(), prefix);

      BaseBackupStream.Streamed streamed;
      try (StreamingUpload upload = store.upload(spec.bucket(), dataKey, spec.storageClass())) {
        streamed =
            new BaseBackupStream(pg, pgBasebackup, server, archiveWaitLimit, compression)
                .into(upload, backupId, spec.systemIdentifier(), keys, Date.from(attemptStart));
      }
      PgBackupManifest pgManifest = PgBackupManifest.parse(streamed.pgManifest());
      String pgManifestKey = prefix + PhysicalArchiveLayout.PG_MANIFEST_FILE;
      store.writeSmall(spec.bucket(), pgManifestKey, streamed.pgManifest(), "application/json");

      Instant[] times = startAndStopTimes(pg, server, streamed.label(), attemptStart);
      BackupLabel label = streamed.label();
      BaseBackupManifest manifest =
          BaseBackupManifest.builder()
              .formatVersion(1)
              .backupId(backupId)
              .systemIdentifier(spec.systemIdentifier())
              .timeline(label.startTimeline())
              .serverVersion(settings.serverVersion())
              .pgBasebackupVersion(toolVersion)
              .startLsn(label.startLsn())
              .stopLsn(pgManifest.endLsn())
              .startTime(times[0])
              .stopTime(times[1])
              .startWalFile(label.startWalFile())
              .stopWalFile(
                  WalPositions.segmentBefore(
                      pgManifest.endTimeline(), pgManifest.endLsn(), settings.walSegmentSize()))
              .tarBytes(streamed.tarBytes())
              .tarSha256(streamed.tarSha256())
              .encryptedBytes(streamed.encryptedBytes())
              .sha256(streamed.sha256())
              .pgManifestSha256(DigestingOutputStream.sha256Hex(streamed.pgManifest()))
              .recipientKeyFingerprint(OpenPgpKeys.fingerprint(keys.get(0)))
              .compression(compression.manifestName())
              .build();
      // Last: its presence is what makes the backup complete.
      String manifestKey = prefix + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE;
      store.writeSmall(spec.bucket(), manifestKey, Json.write(manifest), "application/json");
      long millis = (System.nanoTime() - started) / 1_000_000;
      log.info(
          "Base backup {} of {}: {} tar bytes, {} stored, {} .. {}, in {} ms",
          backupId,
          server,
          streamed.tarBytes(),
          streamed.encryptedBytes(),
          manifest.startLsn(),
          manifest.stopLsn(),
          millis);
      return BaseBackupTaken.builder()
          .bucket(spec.bucket())
          .prefix(prefix)
          .dataKey(dataKey)
          .pgManifestKey(pgManifestKey)
          .manifestKey(manifestKey)
          .manifest(manifest)
          .millis(millis)
          .build();
    } catch (BackupStoreException e) {
      throw NonRetryable.failure(
          e instanceof BackupStoreException.AccessDenied
              ? FailureTypes.BACKUP_ACCESS_DENIED
              : FailureTypes.BACKUP_NOT_FOUND,
          e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The latest start second this process handed out: an attempt that follows a failed one within
   * the same second (pg_basebackup killed early, the failed upload aborted, so its directory is
   * empty again) still gets an id of its own.
   */
  private static Instant lastIssued = Instant.EPOCH;

  /**
   * The attempt's start second, or the next free one: a new attempt never writes into the directory
   * of an earlier one, whose objects a killed attempt may have left, nor reuses an id this process
   * gave an earlier attempt.
   */
  private String unusedBackupId(BaseBackupSpec spec, Instant attemptStart) throws IOException {
    Instant candidate = attemptStart.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    synchronized (BaseBackupActivitiesImpl.class) {
      if (!candidate.isAfter(lastIssued)) {
        candidate = lastIssued.plusSeconds(1);
      }
      while (true) {
        String id = BackupIds.of(candidate);
        String prefix = PhysicalArchiveLayout.backupPrefix(spec.systemIdentifier(), id);
        if (store.list(spec.bucket(), prefix).isEmpty()) {
          lastIssued = candidate;
          return id;
        }
        candidate = candidate.plusSeconds(1);
      }
    }
  }

  /**
   * The backup's start as the server wrote it in backup_label (its own clock and time zone, parsed
   * by the server itself), and its stop: the server's clock now, after pg_backup_stop, an upper
   * bound that a point-in-time restore compares with commit times of the same clock. A server gone
   * right after its backup leaves the worker's clock: the backup itself is whole, and redoing it
   * for two timestamps would cost another full copy.
   */
  private static Instant[] startAndStopTimes(
      PgClient pg, String server, BackupLabel label, Instant attemptStart) {
    try (Connection c = pg.connect("postgres");
        PreparedStatement s = c.prepareStatement("SELECT ?::timestamptz, clock_timestamp()")) {
      s.setString(1, label.startTimeText());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new Instant[] {rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()};
      }
    } catch (SQLException e) {
      log.warn(
          "Cannot read the base backup's times from {} ({}); the worker's clock stands in",
          server,
          e.getMessage());
      return new Instant[] {attemptStart, Instant.now()};
    }
  }

  private static ClusterSettings settings(PgClient pg, String server) {
    try (Connection c = pg.connect("postgres")) {
      return ClusterSettings.read(c);
    } catch (SQLException e) {
      throw SqlStates.failure("read the archiving settings of " + server, e);
    }
  }
}
