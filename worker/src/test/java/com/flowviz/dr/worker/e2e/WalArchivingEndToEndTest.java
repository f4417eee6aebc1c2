package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.physical.wal.ClusterIdentity;
import com.flowviz.dr.activities.physical.wal.PlaintextDigest;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TestMoto;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Continuous WAL archiving on a real PostgreSQL 15 server through the real {@code
 * deploy/wal/flowviz-wal} (a JVM per WAL file, as the server's user) into moto, reached through a
 * {@link TcpFaultProxy} the test cuts and stalls; the keys are the e2e stack's (signing key and
 * backup private key in moto's Secrets Manager). Segments are completed with pg_switch_wal after
 * each batch of writes, so the test knows which ones exist and keeps to a handful of them.
 *
 * <p>The archive_command is a script that first copies %p to a directory of the test and then execs
 * the wrapper: PostgreSQL recycles a segment soon after it is archived, so the archived objects are
 * compared with those copies (the bytes as they were at archive time), never with pg_wal.
 *
 * <p>Then the resident archiver ({@code flowviz-wal serve}, as the server's user) under a steady
 * write load with archive_timeout = 5 s: every segment in S3 within the bound.
 *
 * <p>Then by hand, as an operator would: a pg_basebackup taken at the start restored with
 * restore_command = the wrapper's fetch (through the resident archiver) reaches the rows that exist
 * only in the archived WAL and ends recovery at the end of the archive (fetch exit 1); with the
 * archiver killed, the one-shot fetch refuses a tampered object and recovery stops (exit 128).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalArchivingEndToEndTest {

  private static final int PUSH_ALARM = 3; // WalCommand's documented exit codes
  private static final int FETCH_MISSING = 1;
  private static final int FETCH_REFUSED = 128;
  private static final Duration CATCH_UP = Duration.ofSeconds(60);
  private static final String PASSWORD = "pw-" + UUID.randomUUID();
  private static final PgBinaries BINARIES = PgBinaries.locate(null);

  private static WorkerTestStack stack;
  private static Path home;
  private static Path saved;
  private static Path envFile;
  private static Path wrapper;
  private static LocalPostgresCluster cluster;
  private static TcpFaultProxy awsPath;
  private static S3Client s3;
  private static String bucket;
  private static String system;
  private static Path baseBackup;
  private static long rowsInWal;
  private static Process residentArchiver;
  private static Path serveLog;

  /** The steady load's archive_timeout: the bound its exposure is held to, plus the slack. */
  private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * On top of archive_timeout: up to 1 s because the checkpointer times the switch in whole
   * seconds, the push through the resident archiver (~0.2-0.5 s), the 100 ms poll, and room for the
   * 2 shared cores. The issue's goal is 60 s.
   */
  private static final Duration SLACK = Duration.ofSeconds(5);

  private static final Duration STEADY_LOAD = Duration.ofSeconds(20);

  @BeforeAll
  static void startArchivingServer() throws Exception {
    RequiredTools.find("setpriv");
    stack = WorkerTestStack.get();
    s3 = stack.s3;
    bucket = TestMoto.newBucket(s3, "flowviz-wal");
    awsPath = TcpFaultProxy.to(TestMoto.endpoint().replace("http://", ""));
    home = Files.createTempDirectory(Path.of("/tmp"), "flowviz-wal-e2e-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    saved = Files.createDirectories(home.resolve("archived-copies"));
    Path signerKey =
        Files.write(
            home.resolve("signing-public.asc"),
            stack.gpg.exportPublicKey(WorkerTestStack.SIGNING_EMAIL, true));

    // As an operator's /etc/flowviz-dr/wal.env: names and paths only; the signing key and the
    // backup private key are read from (moto's) Secrets Manager at their default ids.
    envFile = home.resolve("wal.env");
    Files.writeString(
        envFile,
        String.join(
                "\n",
                "FLOWVIZ_WAL_CLASSPATH=" + serverReadableClasspath(home.resolve("classpath")),
                "FLOWVIZ_WAL_JAVA=" + Path.of(System.getProperty("java.home"), "bin", "java"),
                "FLOWVIZ_WAL_CDS=" + home.resolve("no-cds.jsa"),
                "FLOWVIZ_WAL_BUCKET=" + bucket,
                "AWS_REGION=" + TestMoto.REGION,
                "AWS_ENDPOINT_URL=http://" + awsPath.address(),
                "AWS_ACCESS_KEY_ID=testing-access-key",
                "AWS_SECRET_ACCESS_KEY=testing-secret-key",
                "FLOWVIZ_GPG_PUBLIC_KEY_FILE=" + stack.publicKey,
                "FLOWVIZ_GPG_SIGNER_PUBLIC_KEY_FILE=" + signerKey)
            + "\n");
    wrapper = Path.of("..", "deploy", "wal", "flowviz-wal").toAbsolutePath().normalize();
    Path archiveScript = home.resolve("archive-command");
    Files.writeString(
        archiveScript,
        String.join(
                "\n",
                "#!/bin/sh",
                "# The test's copy first: PostgreSQL recycles archived segments, and the objects",
                "# are compared with the bytes as they were when they were archived.",
                "cp \"$1\" " + saved + "/\"$2\" || exit 1",
                "FLOWVIZ_WAL_ENV_FILE=" + envFile + " exec " + wrapper + " push \"$1\" \"$2\"")
            + "\n");
    Files.setPosixFilePermissions(archiveScript, PosixFilePermissions.fromString("rwxr-xr-x"));
    run(List.of("chown", "-R", "postgres:postgres", home.toString()), null, Map.of());

    Path pgHome = home.resolve("pg");
    cluster = LocalPostgresCluster.start(pgHome, 0, "admin", PASSWORD, BINARIES);
    execute(
        "ALTER SYSTEM SET wal_level = 'replica'",
        "ALTER SYSTEM SET archive_mode = 'on'",
        "ALTER SYSTEM SET archive_command = '" + archiveScript + " %p %f'",
        // Segments complete when the test switches them, not on a timer: a known, small number.
        "ALTER SYSTEM SET archive_timeout = 0",
        "ALTER SYSTEM SET shared_buffers = '32MB'");
    cluster.stop();
    cluster = LocalPostgresCluster.start(pgHome, cluster.port(), "admin", PASSWORD, BINARIES);
    system = ClusterIdentity.of(cluster.dataDirectory());
    execute("CREATE TABLE readings (id bigserial PRIMARY KEY, batch int, payload text)");

    // The base backup restored by hand at the end; its WAL comes from the archive (-X none), so
    // pg_basebackup waits until the archive has it.
    baseBackup = home.resolve("base-backup");
    run(
        asServerUser(
            BINARIES.program("pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(cluster.port()),
            "-U",
            "admin",
            "-D",
            baseBackup.toString(),
            "-X",
            "none",
            "-c",
            "fast",
            "--no-sync"),
        null,
        Map.of("PGPASSWORD", PASSWORD));
  }

  @AfterAll
  static void stop() {
    if (residentArchiver != null) {
      residentArchiver.destroyForcibly();
    }
    if (cluster != null) {
      cluster.destroy();
    }
    if (awsPath != null) {
      awsPath.close();
    }
    deleteTree(home);
  }

  /**
   * Writes across several segments: every file PostgreSQL handed to archive_command is in S3, gpg
   * decrypts it to exactly the bytes handed over, its signature (object metadata) verifies with the
   * signing key, and pg_stat_archiver counts it as archived.
   */
  @Test
  @Order(1)
  void everySegmentIsArchivedEncryptedSignedAndIdentical() throws Exception {
    // About 10 MB of WAL (a segment boundary crossed) and a small batch: three segments.
    write(1, 60_000);
    write(2, 2_000);
    String last = awaitArchivedUpTo(currentSegment());

    Set<String> names = savedNames();
    assertTrue(names.stream().filter(PhysicalArchiveLayout::isSegment).count() >= 4, "" + names);
    assertTrue(
        names.stream().anyMatch(n -> n.endsWith(".backup")),
        "the base backup's history file was archived too: " + names);
    assertContiguous(last);
    for (String name : names) {
      assertDecryptsToTheSavedCopyAndIsSigned(name);
    }
    assertEquals(last, archiver("last_archived_wal"));
    assertTrue(
        Long.parseLong(archiver("archived_count")) >= names.size(),
        "pg_stat_archiver counts every file: " + archiver("archived_count") + " " + names);
    assertEquals(Set.of(), readyFiles(), "nothing waits for the archive");
    assertEquals(expectedKeys(), objectKeys(), "one object per archived file, nothing else");
  }

  /**
   * The path to S3 (and Secrets Manager) cut while the server writes two segments: archiving fails,
   * pg_stat_archiver.failed_count rises, the segments stay in pg_wal and nothing reaches S3;
   * healed, every segment is archived with the bytes it had.
   */
  @Test
  @Order(2)
  void theBucketUnreachableForSecondsLosesNothing() throws Exception {
    long failedBefore = Long.parseLong(archiver("failed_count"));
    Set<String> before = objectKeys();
    Instant cut = Instant.now();
    awsPath.down();
    Set<String> waiting;
    try {
      String first = currentSegment();
      write(4, 2_000);
      write(5, 2_000);
      List<String> pending = between(first, currentSegment());
      await(
          "archiving fails while S3 is unreachable",
          Duration.ofSeconds(30),
          () -> Long.parseLong(archiver("failed_count")) > failedBefore);
      // Hold the cut for about ten seconds: PostgreSQL's retries meet it too.
      long left = 10_000 - Duration.between(cut, Instant.now()).toMillis();
      if (left > 0) {
        Thread.sleep(left);
      }
      waiting = readyFiles();
      assertTrue(waiting.containsAll(pending), "waiting " + waiting + ", written " + pending);
      for (String name : pending) {
        assertTrue(
            Files.exists(cluster.dataDirectory().resolve("pg_wal").resolve(name)),
            name + " is kept in pg_wal until it is archived");
      }
      assertEquals(before, objectKeys(), "nothing reached S3 while it was unreachable");
    } finally {
      awsPath.up();
    }
    // The archiver waits up to a minute after three failures; a reload wakes it.
    query("SELECT pg_reload_conf()");
    String last = awaitArchivedUpTo(currentSegment());
    assertContiguous(last);
    for (String name : waiting) {
      assertDecryptsToTheSavedCopyAndIsSigned(name);
    }
    assertEquals(expectedKeys(), objectKeys());
  }

  /**
   * The push's JVM SIGKILLed while its PUT is half sent (the proxy holds the rest): no object
   * appears under the name; PostgreSQL runs the command again, and the object is the segment's
   * bytes, once.
   */
  @Test
  @Order(3)
  void aPushKilledMidUploadIsRetriedAndTheObjectIsIdentical() throws Exception {
    awsPath.stallUploadsAfter(256 * 1024);
    ProcessHandle push;
    String name;
    try {
      // Random text: its encrypted segment is megabytes, so the PUT is caught half-way.
      write(6, 40_000);
      await("a PUT is held half-way", Duration.ofSeconds(30), () -> awsPath.stalled() > 0);
      push = pushProcess().orElseThrow(() -> new AssertionError("no push process"));
      String[] args = commandLine(push).split("\0");
      name = args[args.length - 1];
      assertTrue(PhysicalArchiveLayout.isSegment(name), "the push's %f: " + name);
      assertTrue(push.destroyForcibly(), "SIGKILL");
      push.onExit().get(10, TimeUnit.SECONDS);
      assertTrue(head(name).isEmpty(), name + ": no object from the killed upload");
    } finally {
      awsPath.release();
    }
    // Not asserted again here: PostgreSQL retries the push within a second, and its PUT (held by
    // the proxy too) completes on release. What the killed PUT could have left is a short or
    // different object; the retry's object is checked byte for byte below.
    String last = awaitArchivedUpTo(currentSegment());
    assertTrue(name.compareTo(last) <= 0, name + " archived by the retry, up to " + last);
    assertDecryptsToTheSavedCopyAndIsSigned(name);
    assertContiguous(last);
    assertEquals(expectedKeys(), objectKeys(), "no duplicate, no partial object");
    assertTrue(
        s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty(), "no upload left");
  }

  /** Different bytes under an archived name: exit 3, an ALARM, the object unchanged. */
  @Test
  @Order(4)
  void aDifferentSegmentUnderAnArchivedNameIsAnAlarmAndChangesNothing() throws Exception {
    String name =
        savedNames().stream().filter(PhysicalArchiveLayout::isSegment).findFirst().orElseThrow();
    byte[] real = Files.readAllBytes(saved.resolve(name));
    byte[] other = real.clone();
    other[5000] ^= 0x55; // past the page header: still this cluster's segment
    Path offered = Files.createDirectories(home.resolve("offered")).resolve(name);
    Files.write(offered, other);
    HeadObjectResponse before = head(name).orElseThrow();

    Outcome alarm = wrapper("push", offered.toString(), name);
    assertEquals(PUSH_ALARM, alarm.exit(), alarm.output());
    assertTrue(alarm.output().contains("ALARM"), alarm.output());
    assertTrue(alarm.output().contains(PlaintextDigest.sha256(other)), alarm.output());
    HeadObjectResponse after = head(name).orElseThrow();
    assertEquals(before.eTag(), after.eTag(), "the archived object is untouched");
    assertEquals(before.metadata(), after.metadata());
  }

  /**
   * The RPO bound under a steady write load (issue 17: "every segment appears in S3 within the
   * bound"): archive_timeout = 5 s, the resident archiver, ten committed inserts a second for 30 s.
   * For every segment PostgreSQL completed during the load, its completion (the mtime of its
   * archive_status file, kept when .ready becomes .done) and the first ListObjectsV2 that shows its
   * object; for every commit, the time before it was sent and the insert LSN after it. Asserted: no
   * segment of the load is missing, the segments were switched by archive_timeout (not filled),
   * each was durable within SLACK of its completion, and every commit, the last one included, was
   * in a durable object within archive_timeout + SLACK (its exposure), all pushed by the resident
   * archiver.
   */
  @Test
  @Order(5)
  void underASteadyWriteLoadEveryCommitIsInS3WithinArchiveTimeout() throws Exception {
    startResidentArchiver();
    // One segment through it first: the bound is about a running archiver, not its first push
    // after a start (class loading, the signing key's unlock: ~2-3 s once).
    write(8, 100);
    awaitArchivedUpTo(currentSegment());
    long logFrom = Files.size(cluster.home().resolve("server.log"));
    execute(
        "ALTER SYSTEM SET archive_timeout = '" + ARCHIVE_TIMEOUT.toSeconds() + "s'",
        "SELECT pg_reload_conf()");
    Map<String, Instant> completed = new ConcurrentHashMap<>();
    Map<String, Instant> durable = new ConcurrentHashMap<>();
    AtomicReference<Exception> watchFailed = new AtomicReference<>();
    ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
    List<Commit> commits = new ArrayList<>();
    String first;
    try {
      watch.scheduleWithFixedDelay(
          () -> {
            try {
              observeArchive(completed, durable);
            } catch (Exception e) {
              watchFailed.compareAndSet(null, e);
            }
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
      first = currentSegment();
      try (Connection c = connect();
          PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO readings (batch, payload) VALUES (7, md5(random()::text))");
          Statement s = c.createStatement()) {
        long start = System.nanoTime();
        for (int i = 0; System.nanoTime() - start < STEADY_LOAD.toNanos(); i++) {
          Instant sent = Instant.now();
          insert.executeUpdate(); // autocommit: durable on the server when it returns
          try (ResultSet r = s.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
            r.next();
            commits.add(new Commit(sent, lsn(r.getString(1))));
          }
          long next = start + (i + 1) * 100_000_000L;
          long wait = next - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
      }
      rowsInWal += commits.size();
      String lastSegment = segmentOf(commits.get(commits.size() - 1).lsn() - 1);
      await(
          "the last commit's segment " + lastSegment + " is in S3",
          ARCHIVE_TIMEOUT.plus(SLACK).plusSeconds(5),
          () -> durable.containsKey(lastSegment));
    } finally {
      watch.shutdown(); // no interrupt: a listing cut mid-call would read as a failed watch
      watch.awaitTermination(10, TimeUnit.SECONDS);
      execute("ALTER SYSTEM SET archive_timeout = 0", "SELECT pg_reload_conf()");
    }
    if (watchFailed.get() != null) {
      throw new AssertionError("watching the archive failed", watchFailed.get());
    }

    String last = segmentOf(commits.get(commits.size() - 1).lsn() - 1);
    List<String> segments = between(first, last);
    segments.add(last);
    List<Double> pushSeconds = new ArrayList<>();
    for (String name : segments) {
      assertTrue(completed.containsKey(name), name + " was never seen completed: " + completed);
      assertTrue(durable.containsKey(name), name + " is missing from S3: " + durable.keySet());
      Duration push = Duration.between(completed.get(name), durable.get(name));
      assertTrue(push.compareTo(SLACK) <= 0, name + ": completed to durable in S3 took " + push);
      pushSeconds.add(push.toMillis() / 1000.0);
    }
    // Switched by archive_timeout, not filled: about one segment per 5 s of load.
    long expected = STEADY_LOAD.toSeconds() / (ARCHIVE_TIMEOUT.toSeconds() + 1);
    assertTrue(segments.size() >= expected, segments.size() + " segments in " + STEADY_LOAD);
    List<Double> exposure = new ArrayList<>();
    for (Commit commit : commits) {
      Instant inS3 = durable.get(segmentOf(commit.lsn() - 1));
      Duration exposed = Duration.between(commit.sent(), inS3);
      assertTrue(
          exposed.compareTo(ARCHIVE_TIMEOUT.plus(SLACK)) <= 0,
          "a commit at " + commit.sent() + " was in S3 only after " + exposed);
      exposure.add(exposed.toMillis() / 1000.0);
    }
    String pushed = Files.readString(cluster.home().resolve("server.log")).substring((int) logFrom);
    for (String name : segments) {
      assertTrue(pushed.contains("archived " + name), name + " pushed: " + pushed);
    }
    assertTrue(pushed.contains("(resident archiver)"), pushed);
    assertFalse(pushed.contains("one-shot"), "no push fell back to the JVM: " + pushed);
    System.out.printf(
        "steady load: %d commits in %d segments (%s to %s), archive_timeout %d s; commit to"
            + " durable in S3 max %.2f s, p50 %.2f s, p95 %.2f s; segment completed to durable max"
            + " %.2f s, p50 %.2f s%n",
        commits.size(),
        segments.size(),
        first,
        last,
        ARCHIVE_TIMEOUT.toSeconds(),
        percentile(exposure, 100),
        percentile(exposure, 50),
        percentile(exposure, 95),
        percentile(pushSeconds, 100),
        percentile(pushSeconds, 50));
  }

  /**
   * By hand: the base backup with restore_command = the wrapper's fetch and archiving off recovers
   * to the end of the archive (the next file is missing: fetch exit 1, recovery ends and the server
   * promotes) and holds every row, most of them only in archived WAL; every file came through the
   * resident archiver. With the archiver killed, the same backup with the first segment it needs
   * tampered with in S3 falls back to the one-shot fetch, which stops recovery (exit 128).
   */
  @Test
  @Order(6)
  void theBaseBackupRestoresByHandWithFetchAndATamperedSegmentStopsRecovery() throws Exception {
    startResidentArchiver();
    String last = awaitArchivedUpTo(currentSegment());
    Path tamperedHome = home.resolve("tampered");
    Files.createDirectories(tamperedHome);
    run(
        List.of("cp", "-a", baseBackup.toString(), tamperedHome.resolve("data").toString()),
        null,
        Map.of());

    Path restoredHome = home.resolve("restored");
    Files.createDirectories(restoredHome);
    Files.move(baseBackup, restoredHome.resolve("data"));
    prepareRecovery(restoredHome.resolve("data"));
    try (LocalPostgresCluster restored =
        LocalPostgresCluster.start(restoredHome, 0, "admin", PASSWORD, BINARIES)) {
      PgClient pg = new PgClient(restored.settings());
      try {
        await(
            "recovery ends at the end of the archive",
            Duration.ofSeconds(60),
            () -> "f".equals(query(pg, "SELECT pg_is_in_recovery()")));
      } catch (RuntimeException e) {
        throw new AssertionError(
            "the restored server: "
                + Files.readString(restoredHome.resolve("server.log"))
                + "\nthe resident archiver: "
                + Files.readString(serveLog),
            e);
      }
      assertEquals(Long.toString(rowsInWal), query(pg, "SELECT count(*) FROM readings"));
      assertEquals("off", query(pg, "SHOW archive_mode"), "a restored instance does not archive");
      assertEquals(
          "2",
          query(pg, "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)::int"),
          "promoted onto a new timeline after the last archived segment " + last);
      // By hand in the restored server's data directory: a missing file is exit 1, nothing said.
      Outcome missing =
          run(
              List.of(
                  wrapper.toString(), "fetch", "00000001000000FF000000FF", "pg_wal/RECOVERYXLOG"),
              restoredHome.resolve("data"),
              Map.of("FLOWVIZ_WAL_ENV_FILE", envFile.toString()));
      assertEquals(FETCH_MISSING, missing.exit(), "a missing file is exit 1: " + missing.output());
      assertEquals("", missing.output(), "the resident archiver answered, quietly");
    }
    // The first segment the backup needs: recovery fetched it and every one after it up to last.
    String label = Files.readString(tamperedHome.resolve("data/backup_label"));
    String first = label.substring(label.indexOf("(file ") + 6, label.indexOf("(file ") + 30);
    String restoreLog = Files.readString(restoredHome.resolve("server.log"));
    long fetched =
        restoreLog
            .lines()
            .filter(l -> l.contains("flowviz-wal: restored ") && l.endsWith("(resident archiver)"))
            .count();
    assertTrue(
        fetched >= between(first, last).size() + 1,
        "every segment came through the resident archiver (" + fetched + "): " + restoreLog);
    assertFalse(restoreLog.contains("one-shot"), "no fetch fell back to the JVM: " + restoreLog);
    System.out.println("restore: " + fetched + " files fetched through the resident archiver");

    // The first segment the backup needs, its recorded digest altered in S3.
    String key = PhysicalArchiveLayout.walKey(system, first);
    byte[] object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    Map<String, String> metadata = new HashMap<>(head(first).orElseThrow().metadata());
    metadata.put("flowviz-sha256", PlaintextDigest.sha256(new byte[] {42}));
    s3.putObject(b -> b.bucket(bucket).key(key).metadata(metadata), RequestBody.fromBytes(object));
    prepareRecovery(tamperedHome.resolve("data"));

    // The archiver SIGKILLed (its serve file stays): the wrapper falls back to the one-shot fetch.
    residentArchiver.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    prepareRecovery(tamperedHome.resolve("data"));
    assertThrows(
        RuntimeException.class,
        () -> LocalPostgresCluster.start(tamperedHome, 0, "admin", PASSWORD, BINARIES),
        "recovery stops");
    String log = Files.readString(tamperedHome.resolve("server.log"));
    assertTrue(log.contains("REFUSED " + first), log);
    assertTrue(log.contains("exit code 128"), log);
    assertTrue(log.contains("fetching " + first + " with a one-shot JVM"), log);
    assertFalse(
        Files.exists(tamperedHome.resolve("data/pg_wal/00000002.history")), "never promoted");
  }

  // ---- the server ----

  /**
   * flowviz-wal serve as the server's user (deploy/wal/flowviz-wal-serve.service), once; the
   * environment file then names its serve file, so archive_command and restore_command use it.
   */
  private static void startResidentArchiver() throws Exception {
    if (residentArchiver != null) {
      return;
    }
    Path serveFile = home.resolve("run").resolve("serve");
    serveLog = home.resolve("serve.log");
    ProcessBuilder pb =
        new ProcessBuilder(asServerUser(wrapper.toString(), "serve"))
            .redirectErrorStream(true)
            .redirectOutput(serveLog.toFile());
    pb.environment()
        .putAll(
            Map.of(
                "FLOWVIZ_WAL_ENV_FILE", envFile.toString(),
                "FLOWVIZ_WAL_PGDATA", cluster.dataDirectory().toString(),
                "FLOWVIZ_WAL_SERVE_FILE", serveFile.toString()));
    residentArchiver = pb.start();
    await(
        "the resident archiver writes its serve file",
        Duration.ofSeconds(60),
        () -> residentArchiver.isAlive() && Files.exists(serveFile));
    Files.writeString(
        envFile, "FLOWVIZ_WAL_SERVE_FILE=" + serveFile + "\n", StandardOpenOption.APPEND);
  }

  /** One poll: completed segments (archive_status) and the objects S3 lists, first sight each. */
  private static void observeArchive(Map<String, Instant> completed, Map<String, Instant> durable)
      throws IOException {
    Instant now = Instant.now();
    s3.listObjectsV2Paginator(
            b -> b.bucket(bucket).prefix(PhysicalArchiveLayout.walPrefix(system) + "00000001/"))
        .contents()
        .forEach(
            o -> {
              String name = o.key().substring(o.key().lastIndexOf('/') + 1).replace(".gpg", "");
              durable.putIfAbsent(name, now);
            });
    try (Stream<Path> files =
        Files.list(cluster.dataDirectory().resolve("pg_wal/archive_status"))) {
      for (Path status : (Iterable<Path>) files::iterator) {
        String file = status.getFileName().toString();
        String name = file.substring(0, Math.max(0, file.lastIndexOf('.')));
        if (!completed.containsKey(name) && PhysicalArchiveLayout.isSegment(name)) {
          try {
            // .ready is renamed to .done: the mtime is when PostgreSQL completed the segment.
            completed.put(name, Files.getLastModifiedTime(status).toInstant());
          } catch (java.nio.file.NoSuchFileException renamed) {
            // .ready became .done between the listing and the stat: the next poll has it.
          }
        }
      }
    }
  }

  record Commit(Instant sent, long lsn) {}

  private static long lsn(String text) {
    String[] parts = text.split("/");
    return (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
  }

  /** The timeline 1 segment (16 MiB) holding this WAL position. */
  private static String segmentOf(long lsn) {
    long segment = lsn / (16L << 20);
    return String.format("%08X%08X%08X", 1, segment / 256, segment % 256);
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static void prepareRecovery(Path data) throws IOException, InterruptedException {
    Files.writeString(data.resolve("recovery.signal"), "");
    // The backup carries this server's archive_command; the restored instance must not push.
    LocalPostgresCluster.withoutArchiving(data);
    Files.writeString(
        data.resolve("postgresql.auto.conf"),
        "restore_command = 'FLOWVIZ_WAL_ENV_FILE=" + envFile + " " + wrapper + " fetch %f %p'\n",
        StandardOpenOption.APPEND);
    run(List.of("chown", "-R", "postgres:postgres", data.getParent().toString()), null, Map.of());
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
  }

  /** A batch of rows, then the segment switched: complete, handed to archive_command. */
  private static void write(int batch, int rows) throws SQLException {
    execute(
        "INSERT INTO readings (batch, payload) SELECT "
            + batch
            + ", md5(random()::text) || md5(random()::text) FROM generate_series(1, "
            + rows
            + ")",
        "SELECT pg_switch_wal()");
    rowsInWal += rows;
  }

  private static Connection connect() throws SQLException {
    return new PgClient(cluster.settings()).connect("postgres");
  }

  private static void execute(String... statements) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static String query(String sql) throws SQLException {
    return query(new PgClient(cluster.settings()), sql);
  }

  private static String query(PgClient pg, String sql) {
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String archiver(String column) {
    try {
      return query("SELECT " + column + " FROM pg_stat_archiver");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String currentSegment() throws SQLException {
    return query("SELECT pg_walfile_name(pg_current_wal_lsn() + 1)");
  }

  private static Set<String> readyFiles() throws IOException {
    try (Stream<Path> files =
        Files.list(cluster.dataDirectory().resolve("pg_wal/archive_status"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".ready"))
          .map(n -> n.substring(0, n.length() - ".ready".length()))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** Waits until every segment before {@code current} is archived; returns the last of them. */
  private static String awaitArchivedUpTo(String current) throws Exception {
    List<String> names = between(firstSaved(), current);
    String last = names.get(names.size() - 1);
    await(
        "archived up to " + last,
        CATCH_UP,
        () -> {
          String archived = archiver("last_archived_wal");
          return archived != null
              && archived.compareTo(last) >= 0
              && names.stream().allMatch(n -> head(n).isPresent());
        });
    return last;
  }

  /** The push running now for this test's server: a java descendant of its postmaster. */
  private static Optional<ProcessHandle> pushProcess() throws IOException {
    long postmaster =
        Long.parseLong(
            Files.readAllLines(cluster.dataDirectory().resolve("postmaster.pid")).get(0).strip());
    return ProcessHandle.of(postmaster).stream()
        .flatMap(ProcessHandle::descendants)
        .filter(p -> commandLine(p).contains("WalCommand"))
        .filter(p -> commandLine(p).contains(home.toString()))
        .findFirst();
  }

  /** /proc's whole command line, NUL-separated: ProcessHandle.Info drops long ones. */
  private static String commandLine(ProcessHandle p) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  // ---- the bucket ----

  private static Set<String> savedNames() throws IOException {
    try (Stream<Path> files = Files.list(saved)) {
      return files
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static String firstSaved() throws IOException {
    return savedNames().stream()
        .filter(PhysicalArchiveLayout::isSegment)
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing was handed to archive_command"));
  }

  private static Set<String> expectedKeys() throws IOException {
    return savedNames().stream()
        .map(n -> PhysicalArchiveLayout.walKey(system, n))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> objectKeys() {
    Set<String> keys = new TreeSet<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(PhysicalArchiveLayout.WAL_PREFIX))
        .contents()
        .forEach(o -> keys.add(o.key()));
    return keys;
  }

  private static Optional<HeadObjectResponse> head(String name) {
    try {
      return Optional.of(
          s3.headObject(b -> b.bucket(bucket).key(PhysicalArchiveLayout.walKey(system, name))));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Every segment from the first archived to {@code last} is in S3 and was handed over. */
  private static void assertContiguous(String last) throws IOException {
    List<String> names = between(firstSaved(), last);
    names.add(last);
    Set<String> handed = savedNames();
    for (String name : names) {
      assertTrue(handed.contains(name), name + " was never handed to archive_command");
      assertTrue(head(name).isPresent(), name + " is missing from the archive");
    }
  }

  private static void assertDecryptsToTheSavedCopyAndIsSigned(String name) throws Exception {
    byte[] copy = Files.readAllBytes(saved.resolve(name));
    HeadObjectResponse head = head(name).orElseThrow(() -> new AssertionError(name));
    assertEquals(PlaintextDigest.sha256(copy), head.metadata().get("flowviz-sha256"), name);
    Path check = Files.createDirectories(home.resolve("check"));
    Path object = check.resolve(name + ".gpg");
    Path signature = check.resolve(name + ".gpg.sig");
    Path plaintext = check.resolve(name);
    Files.write(
        object,
        s3.getObjectAsBytes(b -> b.bucket(bucket).key(PhysicalArchiveLayout.walKey(system, name)))
            .asByteArray());
    Files.write(signature, Base64.getDecoder().decode(head.metadata().get("flowviz-signature")));
    String status = stack.gpg.verify(signature, object);
    assertTrue(status.contains("[GNUPG:] GOODSIG"), name + ": " + status);
    assertTrue(status.contains(WorkerTestStack.SIGNING_EMAIL), name + ": " + status);
    stack.gpg.decrypt(object, plaintext, stack.passphrase);
    assertArrayEquals(copy, Files.readAllBytes(plaintext), name + " decrypts to its bytes");
    deleteTree(check);
  }

  /** Segment names from {@code first} (inclusive) to {@code last} (exclusive), timeline 1. */
  private static List<String> between(String first, String last) {
    List<String> names = new ArrayList<>();
    for (long i = index(first); i < index(last); i++) {
      names.add(String.format("%08X%08X%08X", 1, i / 256, i % 256));
    }
    return names;
  }

  private static long index(String segment) {
    return Long.parseLong(segment.substring(8, 16), 16) * 256
        + Long.parseLong(segment.substring(16, 24), 16);
  }

  // ---- processes ----

  record Outcome(int exit, String output) {}

  /** The wrapper run by hand in the server's data directory, as an operator would. */
  private static Outcome wrapper(String... args) throws Exception {
    List<String> line = new ArrayList<>(List.of(wrapper.toString()));
    line.addAll(List.of(args));
    return run(line, cluster.dataDirectory(), Map.of("FLOWVIZ_WAL_ENV_FILE", envFile.toString()));
  }

  private static List<String> asServerUser(String... command) {
    List<String> line =
        new ArrayList<>(
            List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups"));
    line.addAll(List.of(command));
    return line;
  }

  private static Outcome run(List<String> command, Path directory, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("did not finish: " + command);
    }
    if (p.exitValue() != 0 && !command.get(0).equals(wrapper.toString())) {
      throw new AssertionError(command + " exited " + p.exitValue() + ": " + output);
    }
    return new Outcome(p.exitValue(), output);
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition)
      throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(what + ": not within " + timeout + "\n" + serverLog());
      }
      Thread.sleep(200);
    }
  }

  private static String serverLog() {
    try {
      List<String> lines = Files.readAllLines(cluster.home().resolve("server.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no server log: " + e.getMessage() + ")";
    }
  }

  /**
   * The test JVM's main classpath where the server's user can read it (the Maven repository is
   * under root's home, mode 700): jars hard-linked (copied across file systems), class directories
   * copied; test classes left out.
   */
  private static String serverReadableClasspath(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (!Files.exists(source) || source.endsWith("test-classes")) {
        continue;
      }
      Path target = dir.resolve((i++) + "-" + source.getFileName());
      if (Files.isDirectory(source)) {
        try (Stream<Path> files = Files.walk(source)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Path copy = target.resolve(source.relativize(f).toString());
            if (Files.isDirectory(f)) {
              Files.createDirectories(copy);
            } else {
              Files.copy(f, copy, StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
      } else {
        try {
          Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(source, target);
        }
      }
      entries.add(target.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory
    }
  }
}
