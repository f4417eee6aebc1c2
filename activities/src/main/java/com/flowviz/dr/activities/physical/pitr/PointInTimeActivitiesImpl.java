package com.flowviz.dr.activities.physical.pitr;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.common.ProgressMeter;
import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.physical.BaseBackupCompression;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.BaseBackupRestoreSpec;
import com.flowviz.dr.activities.physical.BaseBackupRestored;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.physical.PointInTimeActivities;
import com.flowviz.dr.activities.physical.RecoveryChoice;
import com.flowviz.dr.activities.physical.RecoveryChoiceSpec;
import com.flowviz.dr.activities.physical.RecoveryReached;
import com.flowviz.dr.activities.physical.RecoverySpec;
import com.flowviz.dr.activities.physical.RecoveryTarget;
import com.flowviz.dr.activities.physical.basebackup.BaseBackupCatalog;
import com.flowviz.dr.activities.physical.wal.WalFetch;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgToolVersion;
import com.flowviz.dr.activities.postgres.ServerRegistry;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.provision.ForeignInstanceException;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.provision.local.LocalProvisioner;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.StoredObject;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Point-in-time recovery onto a local instance (the local provisioner's {@code <root>/<name>}): see
 * {@link PointInTimeActivities}. The instance's directory holds {@code data} (once restored and
 * verified), {@code data.restore} while a restore runs, {@code spool} (the WAL recovery replays),
 * {@code server.log}, the provisioner's ownership mark and {@code instance.port}. It never reads or
 * connects to the server being recovered: the bucket is the only source.
 */
public final class PointInTimeActivitiesImpl implements PointInTimeActivities {

  private static final Logger log = LoggerFactory.getLogger(PointInTimeActivitiesImpl.class);

  static final String STAGING = "data.restore";
  static final String DATA = "data";
  static final String SPOOL = "spool";
  static final String RESTORED = "flowviz-dr.restored.json";

  private static final Pattern INSTANCE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  /**
   * How often a recovery's end is looked for: pg_controldata is cheap, and a recovery that replays
   * a few segments ends within 100 ms (at 500 ms, a quarter of a second was lost on average).
   */
  private static final Duration POLL = Duration.ofMillis(50);

  private final BackupStore store;
  private final TrustedSigners signers;
  private final PrivateKeySource keys;
  private final PgBinaries binaries;
  private final Path instancesRoot;
  private final ServerRegistry registry;
  private final BaseBackupCatalog catalog;

  /**
   * @param instancesRoot the local provisioner's root: instances are {@code <root>/<name>}
   * @param registry where a recovered instance is recorded as {@code instance:<name>}, with the
   *     production server's role and password: a physical copy keeps the source's roles
   */
  public PointInTimeActivitiesImpl(
      BackupStore store,
      TrustedSigners signers,
      PrivateKeySource keys,
      PgBinaries binaries,
      Path instancesRoot,
      ServerRegistry registry) {
    this.store = store;
    this.signers = signers;
    this.keys = keys;
    this.binaries = binaries;
    this.instancesRoot = instancesRoot.toAbsolutePath();
    this.registry = registry;
    this.catalog =
        new BaseBackupCatalog(store, signers, "Nothing was restored", "start the recovery again");
  }

  @Override
  public RecoveryChoice chooseBaseBackup(RecoveryChoiceSpec spec) {
    requireSigners();
    RecoveryTarget target = requireValid(spec.target());
    try {
      String system = systemIdentifier(spec.bucket(), spec.systemIdentifier());
      List<BaseBackupCatalog.Complete> complete = catalog.complete(spec.bucket(), system);
      WalArchiveListing wal =
          new WalArchiveListing(
              system, store.list(spec.bucket(), PhysicalArchiveLayout.walPrefix(system)));
      return BaseBackupChoice.choose(
          spec.bucket(),
          system,
          complete,
          wal,
          newestHistory(spec.bucket(), system, complete, wal),
          target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The newest timeline's history, as recovery with {@code recovery_target_timeline = 'latest'}
   * finds it from the oldest backup's timeline: its history file, fetched through the same checks
   * as every WAL file (signature, recorded SHA-256, cluster identity).
   */
  private TimelineHistory newestHistory(
      String bucket,
      String system,
      List<BaseBackupCatalog.Complete> complete,
      WalArchiveListing wal)
      throws IOException {
    int from = complete.stream().mapToInt(c -> c.manifest().timeline()).min().orElse(1);
    int newest = wal.newestTimelineFrom(from);
    if (newest == from && !wal.historyTimelines().contains(newest)) {
      return TimelineHistory.root(newest);
    }
    String name = String.format("%08X.history", newest);
    byte[][] content = new byte[1][];
    try {
      WalFetch.Outcome outcome =
          new WalFetch(store, bucket, keys, signers).fetch(name, system, c -> content[0] = c);
      if (outcome == WalFetch.Outcome.MISSING) {
        throw new IllegalStateException(name + " was listed a moment ago and is gone");
      }
    } catch (WalFetch.Refused e) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "The archive's timeline history "
              + name
              + " is refused: "
              + e.getMessage()
              + ". Nothing was restored: the recovery's path through the timelines cannot be"
              + " trusted. Find out who wrote it (CloudTrail data events on the bucket).");
    }
    try {
      return TimelineHistory.parse(newest, content[0]);
    } catch (IllegalArgumentException e) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_CORRUPT,
          "The archive's timeline history "
              + name
              + " cannot be read ("
              + e.getMessage()
              + "). Nothing was restored.");
    }
  }

  @Override
  public BaseBackupRestored restoreBaseBackup(BaseBackupRestoreSpec spec) {
    requireSigners();
    Path home = home(spec.instance());
    requireSameMajorVersion(spec);
    try {
      requireOurs(home, spec.instance());
      if (Files.isDirectory(home.resolve(DATA))
          && !Files.exists(home.resolve(RESTORED))
          && !Files.exists(home.resolve(InstanceClaim.OWNER))) {
        // An instance 4.3 provisioned under this name: not claimed, not touched.
        throw NonRetryable.failure(
            FailureTypes.INVALID_INPUT,
            "Instance "
                + spec.instance()
                + " already has a data directory that no restore of flowviz-dr completed ("
                + home.resolve(DATA)
                + "). Nothing was changed; tear it down or choose another instance name.");
      }
      try (InstanceClaim claim =
          InstanceClaim.take(home, spec.instance(), InstanceClaim.callingOwner())) {
        try {
          return restoreClaimed(home, spec);
        } catch (io.temporal.failure.ApplicationFailure refused) {
          if (refused.isNonRetryable()
              && !Files.exists(home.resolve(DATA))
              && !Files.exists(home.resolve(RESTORED))) {
            claim.release(home);
          }
          throw refused;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private BaseBackupRestored restoreClaimed(Path home, BaseBackupRestoreSpec spec)
      throws IOException, InterruptedException {
    Optional<BaseBackupRestored> done = alreadyRestored(home, spec);
    if (done.isPresent()) {
      return done.get();
    }
    mark(home, spec.instance());
    Path staging = home.resolve(STAGING);
    deleteTree(staging);

    BaseBackupManifest manifest = spec.manifest();
    String dataKey =
        spec.backupPrefix() + BaseBackupCompression.named(manifest.compression()).dataFile();
    StoredObject data =
        store.head(spec.bucket(), dataKey).orElseThrow(() -> partlyDeleted(spec.bucket(), dataKey));
    // Before anything is made or runs in the background: a refusal here leaves nothing behind.
    PgManifestChecksums checks = signedFileChecksums(spec);
    Files.createDirectory(
        staging,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    LocalPostgresCluster.handToServerUser(staging);
    Path spool = home.resolve(SPOOL);
    List<WalArchiveListing.WalFile> needed =
        new WalArchiveListing(
                manifest.systemIdentifier(),
                store.list(
                    spec.bucket(), PhysicalArchiveLayout.walPrefix(manifest.systemIdentifier())))
            .neededFrom(manifest.startWalFile());

    AtomicLong read = new AtomicLong();
    AtomicInteger spooled = new AtomicInteger();
    var beat = Heartbeats.ofThisActivity();
    ProgressMeter meter = new ProgressMeter("encrypted bytes of the base backup read", "bytes");
    Runnable report =
        () ->
            beat.accept(
                meter.at(
                    read.get(),
                    data.size(),
                    spooled.get() + " of " + needed.size() + " WAL files spooled"));
    WalSpool walSpool =
        new WalSpool(
            new WalFetch(store, spec.bucket(), keys, signers), manifest.systemIdentifier(), spool);
    // The WAL lands while the base backup does: recovery starts with all of it local.
    CompletableFuture<Integer> walDone =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return walSpool.fill(
                    needed,
                    () -> {
                      spooled.incrementAndGet();
                      report.run();
                    });
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            });
    BaseBackupExtractor.Extracted extracted;
    try (EarlyWriteback writeback = EarlyWriteback.of(staging)) {
      extracted =
          new BaseBackupExtractor(store, keys)
              .extract(
                  spec.bucket(),
                  data,
                  manifest,
                  staging,
                  // As the server's user, not root: the tar's bytes are proven only at its end
                  // (SHA-256 against the signed manifest), so what it writes is confined to
                  // what that user may write; GNU tar drops leading '/' and '..' members;
                  // the members' own modes (0600/0700), not the umask's.
                  LocalPostgresCluster.asServerUser(
                      List.of("tar", "-x", "-f", "-", "--no-same-owner", "--same-permissions")),
                  checks,
                  n -> {
                    read.set(n);
                    report.run();
                  });
    } catch (RuntimeException | IOException | InterruptedException e) {
      walDone.cancel(true);
      deleteTree(staging);
      throw e;
    }
    int walFiles = awaitSpool(walDone, staging);
    LocalPostgresCluster.handToServerUser(home);
    boolean everyFileChecked = checks != null && extracted.filesChecked().size() == checks.size();
    String verified = verifyBackup(staging, everyFileChecked);
    BaseBackupRestored restored =
        BaseBackupRestored.builder()
            .instance(spec.instance())
            .dataDirectory(home.resolve(DATA).toString())
            .tarBytes(extracted.tarBytes())
            .tarSha256(extracted.tarSha256())
            .walFilesSpooled(walFiles)
            .newestSpooledWal(
                needed.stream()
                    .map(WalArchiveListing.WalFile::name)
                    .filter(PhysicalArchiveLayout::isSegment)
                    .max(Comparator.naturalOrder())
                    .orElse(null))
            .verifyBackup(verified)
            .filesChecked(extracted.filesChecked().size())
            .build();
    // The record first, then the rename: a worker killed between the two leaves a record without
    // a data directory, which the retry restores again; the reverse order would leave a data
    // directory no record vouches for, which a retry must refuse.
    Files.write(home.resolve(RESTORED), Json.MAPPER.writeValueAsBytes(withPrefix(restored, spec)));
    Files.move(staging, home.resolve(DATA), StandardCopyOption.ATOMIC_MOVE);
    log.info(
        "Restored {} into {}: {} bytes of tar, {} WAL files spooled",
        spec.backupPrefix(),
        home.resolve(DATA),
        extracted.tarBytes(),
        walFiles);
    return restored;
  }

  @Override
  public RecoveryReached recover(RecoverySpec spec) {
    Path home = home(spec.instance());
    Path data = home.resolve(DATA);
    if (!Files.isRegularFile(data.resolve("PG_VERSION"))) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "Instance "
              + spec.instance()
              + " has no restored data directory ("
              + data
              + "): restore a base backup onto it first.");
    }
    try (InstanceClaim claim =
        InstanceClaim.resume(home, spec.instance(), InstanceClaim.callingOwner())) {
      // Never started: the backup's backup_label is still there (the first start renames it) and
      // no earlier attempt wrote the settings (recovery.signal). pg_control cannot tell: a base
      // backup's copy says "in production", as the source did.
      boolean neverStarted =
          Files.exists(data.resolve("backup_label"))
              && !Files.exists(data.resolve("recovery.signal"));
      if (neverStarted) {
        RecoverySettings.write(home, data, home.resolve(SPOOL), spec.target());
        LocalPostgresCluster.handToServerUser(home);
      }
      int port = port(home);
      ServerLog serverLog = new ServerLog(home.resolve("server.log"));
      try {
        // The superuser is the source's (a physical copy keeps its roles); nothing here connects.
        LocalPostgresCluster.start(home, port, "unused", "unused", binaries);
      } catch (RuntimeException e) {
        if (Thread.currentThread().isInterrupted()) {
          // The worker is stopping: no verdict on the recovery. The server was left starting (only
          // pg_ctl was ended) and the retry finds it where it is.
          throw e;
        }
        throw recoveryStopped(spec, serverLog, e.getMessage());
      }
      ControlData promoted = awaitPromotion(spec, data, serverLog);
      // The worker's way in for verification and repointing: the copy has the source's roles, so
      // the source's role and password (its secret, or none for production's own), at this
      // loopback port.
      ServerRegistry.Entry source =
          registry.resolve(
              spec.sourceServer() == null ? ServerRegistry.PRODUCTION : spec.sourceServer());
      ServerRegistry.Entry entry =
          new ServerRegistry.Entry(
              ServerRegistry.instanceName(spec.instance()),
              "127.0.0.1",
              port,
              source.user(),
              source.passwordSecret());
      // The instance's directory is this recovery's (its claim): the name is too, whatever an entry
      // left by a hand-removed instance says.
      registry.record(entry);
      return RecoveryReached.builder()
          .server(entry.toServer())
          .instance(spec.instance())
          .host("127.0.0.1")
          .port(port)
          .timeline(serverLog.newTimeline().orElse(promoted.timeline()))
          .stoppedAt(serverLog.recoveryStop().orElse("the end of the archive"))
          .lastReplayedCommit(serverLog.lastCompletedTransaction().orElse(null))
          .clusterState(promoted.state())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ControlData awaitPromotion(RecoverySpec spec, Path data, ServerLog serverLog)
      throws IOException {
    var beat = Heartbeats.ofThisActivity();
    long spooledSegments = spooledSegments(serverLog.path().resolveSibling(SPOOL));
    ProgressMeter meter = new ProgressMeter("WAL segments replayed from the spool", "segments");
    String bound =
        RecoveryTarget.LATEST.equals(spec.target().kind())
            ? null
            : "recovery stops at " + spec.target().describe() + ", possibly before the last";
    while (true) {
      ControlData control = ControlData.read(binaries, data);
      // recovery.signal goes when recovery has ended and the server promoted.
      if (control.inProduction() && !Files.exists(data.resolve("recovery.signal"))) {
        return control;
      }
      if (!Files.exists(data.resolve("postmaster.pid"))) {
        throw recoveryStopped(spec, serverLog, "the server stopped");
      }
      beat.accept(
          meter.at(
              serverLog.restoredSegments(),
              spooledSegments,
              control.state() + (bound == null ? "" : "; " + bound)));
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * PostgreSQL refused or ended recovery: its own FATAL line says why, and a gap in the spooled WAL
   * (a segment missing from the archive while later ones exist) is named with it.
   */
  private RuntimeException recoveryStopped(RecoverySpec spec, ServerLog serverLog, String what) {
    String fatal = serverLog.lastFatal().orElse(what);
    Path spool = serverLog.path().resolveSibling(SPOOL);
    String gap =
        WalArchiveListing.firstGap(spool)
            .map(
                g ->
                    " The archive has a gap: "
                        + g
                        + " is missing while later segments exist, so recovery cannot pass it.")
            .orElse("");
    return NonRetryable.failure(
        FailureTypes.PG_RESTORE_FAILED,
        "Recovery of instance "
            + spec.instance()
            + " to "
            + spec.target().describe()
            + " stopped: "
            + fatal
            + "."
            + gap
            + " Nothing else was changed; the instance's log is "
            + serverLog.path()
            + ". Tear the instance down and recover to a target the archive reaches.");
  }

  private static long spooledSegments(Path spool) throws IOException {
    if (!Files.isDirectory(spool)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(spool)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(PhysicalArchiveLayout::isSegment)
          .count();
    }
  }

  private int awaitSpool(CompletableFuture<Integer> walDone, Path staging)
      throws IOException, InterruptedException {
    try {
      return walDone.get();
    } catch (ExecutionException e) {
      deleteTree(staging);
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e.getCause());
    }
  }

  /**
   * The per-file checksums of the base backup's own backup_manifest, its copy beside the data
   * object, proven by the SHA-256 the signed flowviz-dr manifest records for it; the tar's copy of
   * it (its last member) is held to the same SHA-256. Null when the backup predates that record or
   * lists other checksums than SHA-2: then pg_verifybackup checks every file after extraction.
   */
  private PgManifestChecksums signedFileChecksums(BaseBackupRestoreSpec spec) throws IOException {
    String expected = spec.manifest().pgManifestSha256();
    if (expected == null) {
      return null;
    }
    String key = spec.backupPrefix() + PhysicalArchiveLayout.PG_MANIFEST_FILE;
    byte[] content =
        store.readSmall(spec.bucket(), key).orElseThrow(() -> partlyDeleted(spec.bucket(), key));
    byte[] digest = sha256(content);
    if (!HexFormat.of().formatHex(digest).equalsIgnoreCase(expected)) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "s3://"
              + spec.bucket()
              + "/"
              + key
              + " is not the backup_manifest the signed manifest records (SHA-256 "
              + expected
              + "): it was replaced or damaged. Nothing was restored; choose another base"
              + " backup.");
    }
    return PgManifestChecksums.parse(content)
        .map(checks -> checks.with(PhysicalArchiveLayout.PG_MANIFEST_FILE, "SHA256", digest))
        .orElse(null);
  }

  private static io.temporal.failure.ApplicationFailure partlyDeleted(String bucket, String key) {
    return NonRetryable.failure(
        FailureTypes.BACKUP_NOT_FOUND,
        "s3://"
            + bucket
            + "/"
            + key
            + " is missing although its manifest exists: the base backup was partly deleted."
            + " Nothing was restored; choose another target.");
  }

  private static byte[] sha256(byte[] content) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(content);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * pg_verifybackup against the backup_manifest the tar carried; WAL comes later (-n). When every
   * file's checksum already matched as it streamed, it checks the rest (every file present, none
   * extra, each of its size) without reading every byte back (-s).
   */
  private String verifyBackup(Path staging, boolean checksumsDone) throws IOException {
    if (!Files.isRegularFile(staging.resolve("backup_manifest"))) {
      deleteTree(staging);
      throw NonRetryable.failure(
          FailureTypes.BACKUP_CORRUPT,
          "The base backup holds no backup_manifest, so it cannot be verified. Nothing was"
              + " started.");
    }
    try (ChildProcess verify =
        ChildProcess.start(
            checksumsDone
                ? List.of(binaries.program("pg_verifybackup"), "-n", "-s", staging.toString())
                : List.of(binaries.program("pg_verifybackup"), "-n", staging.toString()),
            Map.of(),
            null,
            null,
            true)) {
      var beat = Heartbeats.ofThisActivity();
      int exit =
          verify.await(
              Duration.ofMinutes(30), () -> beat.accept(Map.of("verifying", staging.toString())));
      if (exit != 0) {
        String why = verify.stderrTail().strip();
        deleteTree(staging);
        throw NonRetryable.failure(
            FailureTypes.BACKUP_INTEGRITY_FAILED,
            "pg_verifybackup refuses the restored data directory: "
                + why
                + ". Nothing was started; choose another base backup.");
      }
      String verdict = verify.stdoutTail().strip();
      return checksumsDone
          ? verdict
              + " (-s: every file's checksum matched the signed backup_manifest as it streamed)"
          : verdict;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  private Optional<BaseBackupRestored> alreadyRestored(Path home, BaseBackupRestoreSpec spec)
      throws IOException {
    Path record = home.resolve(RESTORED);
    if (!Files.isRegularFile(record) || !Files.isDirectory(home.resolve(DATA))) {
      if (Files.isDirectory(home.resolve(DATA))) {
        throw NonRetryable.failure(
            FailureTypes.INVALID_INPUT,
            "Instance "
                + spec.instance()
                + " already has a data directory that no restore of flowviz-dr completed ("
                + home.resolve(DATA)
                + "). Nothing was changed; tear it down or choose another instance name.");
      }
      return Optional.empty();
    }
    var node = Json.MAPPER.readTree(Files.readAllBytes(record));
    if (!spec.backupPrefix().equals(node.path("backupPrefix").asText())) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "Instance "
              + spec.instance()
              + " was restored from "
              + node.path("backupPrefix").asText()
              + ", not "
              + spec.backupPrefix()
              + ". Nothing was changed; tear it down or choose another instance name.");
    }
    return Optional.of(Json.MAPPER.treeToValue(node.path("restored"), BaseBackupRestored.class));
  }

  private static Map<String, Object> withPrefix(
      BaseBackupRestored restored, BaseBackupRestoreSpec spec) {
    return Map.of("backupPrefix", spec.backupPrefix(), "restored", restored);
  }

  /**
   * Refuses a directory of that name that flowviz-dr did not make: neither the provisioner's mark
   * nor a recovery's claim, and not empty.
   */
  private static void requireOurs(Path home, String instance) throws IOException {
    if (Files.isDirectory(home)) {
      Path mark = home.resolve(LocalProvisioner.MARK);
      boolean ours =
          (Files.isRegularFile(mark) && Files.readString(mark).strip().equals(instance))
              || Files.isRegularFile(home.resolve(InstanceClaim.OWNER));
      boolean empty;
      try (Stream<Path> entries = Files.list(home)) {
        empty = entries.findAny().isEmpty();
      }
      if (!ours && !empty) {
        throw new ForeignInstanceException(instance, "local directory " + home);
      }
    }
  }

  /** The instance's directory, marked as the local provisioner marks its own. */
  private static void mark(Path home, String instance) throws IOException {
    Files.createDirectories(home);
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve(LocalProvisioner.MARK), instance + "\n");
    Path portFile = home.resolve("instance.port");
    if (!Files.isRegularFile(portFile)) {
      Files.writeString(portFile, Integer.toString(LocalPostgresCluster.freePort()));
    }
  }

  private Path home(String instance) {
    if (instance == null || !INSTANCE_NAME.matcher(instance).matches()) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "Instance name \""
              + instance
              + "\" is not valid: lower-case letters, digits and '-', up to 63 characters.");
    }
    return instancesRoot.resolve(instance);
  }

  private static int port(Path home) throws IOException {
    return Integer.parseInt(Files.readString(home.resolve("instance.port")).strip());
  }

  private String systemIdentifier(String bucket, String requested) throws IOException {
    if (requested != null && !requested.isBlank()) {
      return requested.strip();
    }
    TreeSet<String> systems = new TreeSet<>();
    for (StoredObject o : store.list(bucket, PhysicalArchiveLayout.BASE_PREFIX)) {
      String rest = o.key().substring(PhysicalArchiveLayout.BASE_PREFIX.length());
      if (rest.indexOf('/') > 0) {
        systems.add(rest.substring(0, rest.indexOf('/')));
      }
    }
    if (systems.size() != 1) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          systems.isEmpty()
              ? "s3://"
                  + bucket
                  + " holds no base backup (base/ is empty): nothing to recover from."
              : "s3://"
                  + bucket
                  + " holds base backups of several clusters "
                  + systems
                  + ": name one as systemIdentifier.");
    }
    return systems.first();
  }

  /**
   * A physical copy starts only on the major version that wrote it: refused before a byte is
   * downloaded, not after the server's own FATAL at start.
   */
  private void requireSameMajorVersion(BaseBackupRestoreSpec spec) {
    String version = spec.manifest() == null ? null : spec.manifest().serverVersion();
    java.util.regex.Matcher major =
        Pattern.compile("^(\\d+)").matcher(version == null ? "" : version.strip());
    if (!major.find()) {
      return; // a manifest without a version: the server's start will say
    }
    PgToolVersion here = PgToolVersion.of(binaries.program("postgres"));
    if (Integer.parseInt(major.group(1)) != here.major()) {
      throw NonRetryable.failure(
          FailureTypes.PG_VERSION_MISMATCH,
          "The base backup "
              + spec.backupPrefix()
              + " is of PostgreSQL "
              + version.strip()
              + ", and this host's server is PostgreSQL "
              + here.version()
              + " ("
              + here.program()
              + "): a physical copy starts only on the major version that wrote it. Nothing was"
              + " restored. Run the recovery on a worker with PostgreSQL "
              + major.group(1)
              + " binaries (flowviz.pg.bin-dir), or restore the daily pg_dump, which crosses"
              + " major versions (runbook 4.1).");
    }
  }

  private void requireSigners() {
    if (!signers.configured()) {
      throw NonRetryable.failure(
          FailureTypes.CONFIGURATION,
          "No trusted signers are configured (flowviz.gpg.signer-public-key-file or"
              + " trusted-signers-*): a point-in-time recovery restores only base backups and WAL"
              + " flowviz-dr signed. Nothing was restored.");
    }
  }

  private static RecoveryTarget requireValid(RecoveryTarget target) {
    if (target == null || target.kind() == null) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT, "No recovery target: give a time, an LSN or latest.");
    }
    switch (target.kind()) {
      case RecoveryTarget.TIME -> {
        if (target.time() == null) {
          throw NonRetryable.failure(
              FailureTypes.INVALID_INPUT, "A time target needs the time (UTC, ISO 8601).");
        }
      }
      case RecoveryTarget.LSN -> {
        if (target.lsn() == null || !target.lsn().matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
          throw NonRetryable.failure(
              FailureTypes.INVALID_INPUT,
              "LSN target \"" + target.lsn() + "\" is not a WAL position such as 0/3000060.");
        }
      }
      case RecoveryTarget.LATEST -> {}
      default ->
          throw NonRetryable.failure(
              FailureTypes.INVALID_INPUT,
              "Unknown recovery target kind \"" + target.kind() + "\": time, lsn or latest.");
    }
    return target;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.toList());
      all.sort(Comparator.reverseOrder());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
  }
}
