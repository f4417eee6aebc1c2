package com.flowviz.dr.worker.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.physical.wal.ClusterIdentity;
import com.flowviz.dr.activities.physical.wal.PlaintextDigest;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TestMoto;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * A private PostgreSQL 15 cluster with {@code archive_mode = on}, {@code archive_timeout = 3s} and
 * {@code archive_command} running the real {@code deploy/wal/flowviz-wal push %p %f} (as the
 * server's user, a JVM per WAL file) against moto, reached through a TCP proxy the test can cut,
 * under a steady write load the whole time. Checked against the server's own pg_wal files, with the
 * real gpg. About two and a half minutes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalArchivingTest {

  private static final int ARCHIVE_TIMEOUT_SECONDS = 3;

  /**
   * A completed segment is in S3 within this: archive_timeout bounds when a segment completes, the
   * bound here covers the archiver's wake-up and one command run on a shared 2-core machine.
   */
  private static final Duration BOUND = Duration.ofSeconds(ARCHIVE_TIMEOUT_SECONDS + 27);

  private static final Duration CATCH_UP = Duration.ofSeconds(120);
  private static final String BACKUP = "backup@flowviz.com";
  private static final String SIGNING = "signing@flowviz.com";
  private static final String SIGNING_PASSPHRASE = "signing-" + UUID.randomUUID();
  private static final String PASSWORD = "pw-" + UUID.randomUUID();

  private static GpgHome gpg;
  private static Path home;
  private static Path wrapper;
  private static LocalPostgresCluster cluster;
  private static TcpFaultProxy s3Path;
  private static S3Client s3;
  private static String bucket;
  private static String system;
  private static String firstArchived;
  private static Load load;

  @BeforeAll
  static void startArchivingCluster() throws Exception {
    RequiredTools.find("setpriv");
    gpg = GpgHome.create();
    gpg.generateKey(BACKUP, GpgHome.KeyType.CURVE25519, null);
    gpg.generateKey(SIGNING, GpgHome.KeyType.CURVE25519, SIGNING_PASSPHRASE);
    home = Files.createTempDirectory(Path.of("/tmp"), "flowviz-wal-it-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));

    Path keys = Files.createDirectories(home.resolve("keys"));
    Files.write(keys.resolve("backup.pub.asc"), gpg.exportPublicKey(BACKUP, true));
    Files.write(keys.resolve("backup.sec.asc"), gpg.exportSecretKey(BACKUP, null, true));
    Files.write(keys.resolve("signing.pub.asc"), gpg.exportPublicKey(SIGNING, true));
    LocalSecretStore secrets = new LocalSecretStore(keys.resolve("secrets"));
    secrets.write(
        BackupSigningKey.DEFAULT_KEY_SECRET,
        new String(
            gpg.exportSecretKey(SIGNING, SIGNING_PASSPHRASE, true), StandardCharsets.US_ASCII));
    secrets.write(BackupSigningKey.DEFAULT_PASSPHRASE_SECRET, SIGNING_PASSPHRASE);

    String moto = TestMoto.endpoint();
    s3 = TestMoto.s3();
    bucket = TestMoto.newBucket(s3, "flowviz-backups");
    s3Path = TcpFaultProxy.to(moto.replace("http://", ""));

    // The settings as an operator's /etc/flowviz-dr/wal.env: names and paths, no key material.
    Path envFile = home.resolve("wal.env");
    Files.writeString(
        envFile,
        String.join(
                "\n",
                "FLOWVIZ_WAL_CLASSPATH=" + serverReadableClasspath(home.resolve("classpath")),
                "FLOWVIZ_WAL_JAVA=" + Path.of(System.getProperty("java.home"), "bin", "java"),
                "FLOWVIZ_WAL_CDS=" + home.resolve("no-cds.jsa"),
                "FLOWVIZ_WAL_BUCKET=" + bucket,
                "AWS_REGION=" + TestMoto.REGION,
                "AWS_ENDPOINT_URL=http://" + s3Path.address(),
                "AWS_ACCESS_KEY_ID=testing-access-key",
                "AWS_SECRET_ACCESS_KEY=testing-secret-key",
                "FLOWVIZ_GPG_PUBLIC_KEY_FILE=" + keys.resolve("backup.pub.asc"),
                "FLOWVIZ_SECRETS_BACKEND=local",
                "FLOWVIZ_SECRETS_LOCAL_DIRECTORY=" + keys.resolve("secrets"),
                "FLOWVIZ_GPG_KEY_FILE=" + keys.resolve("backup.sec.asc"),
                "FLOWVIZ_GPG_SIGNER_PUBLIC_KEY_FILE=" + keys.resolve("signing.pub.asc"))
            + "\n");
    wrapper = home.resolve("flowviz-wal");
    Files.writeString(
        wrapper,
        "#!/bin/sh\nFLOWVIZ_WAL_ENV_FILE="
            + envFile
            + " exec "
            + Path.of("..", "deploy", "wal", "flowviz-wal").toAbsolutePath().normalize()
            + " \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    run(List.of("chown", "-R", "postgres:postgres", home.toString()), null);

    Path pgHome = home.resolve("pg");
    PgBinaries binaries = PgBinaries.locate(null);
    cluster = LocalPostgresCluster.start(pgHome, 0, "admin", PASSWORD, binaries);
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET wal_level = 'replica'");
      s.execute("ALTER SYSTEM SET archive_mode = 'on'");
      s.execute("ALTER SYSTEM SET archive_command = '" + wrapper + " push %p %f'");
      s.execute("ALTER SYSTEM SET archive_timeout = '" + ARCHIVE_TIMEOUT_SECONDS + "s'");
      // No checkpoint recycles a segment while the test compares it with its archived copy.
      s.execute("ALTER SYSTEM SET checkpoint_timeout = '30min'");
      s.execute("ALTER SYSTEM SET shared_buffers = '32MB'");
    }
    cluster.stop();
    int port = cluster.port();
    cluster = LocalPostgresCluster.start(pgHome, port, "admin", PASSWORD, binaries);
    system = ClusterIdentity.of(cluster.dataDirectory());
    firstArchived = currentSegment();
    load = new Load();
  }

  @AfterAll
  static void stop() {
    if (load != null) {
      load.stop();
    }
    if (cluster != null) {
      cluster.destroy();
    }
    if (s3Path != null) {
      s3Path.close();
    }
    if (gpg != null) {
      gpg.close();
    }
    if (home != null) {
      try (Stream<Path> paths = Files.walk(home)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // temp directory
      }
    }
  }

  /** (a) Under steady writes every segment is in S3 within the bound, as gpg decrypts it. */
  @Test
  @Order(1)
  void underSteadyWritesEverySegmentIsArchivedWithinTheBound() throws Exception {
    Map<String, Instant> completed = new ConcurrentHashMap<>();
    Map<String, Instant> seen = new ConcurrentHashMap<>();
    Instant end = Instant.now().plusSeconds(40);
    String previous = currentSegment();
    while (Instant.now().isBefore(end)) {
      String current = currentSegment();
      Instant now = Instant.now();
      for (String name : between(previous, current)) {
        completed.putIfAbsent(name, now);
      }
      previous = current;
      for (String name : archived()) {
        seen.putIfAbsent(name, now);
      }
      Thread.sleep(250);
    }
    assertTrue(completed.size() >= 5, "the load completed segments: " + completed.keySet());
    awaitAllArchived(completed.keySet(), seen);

    Duration worst = Duration.ZERO;
    for (String name : completed.keySet()) {
      Duration lag = Duration.between(completed.get(name), seen.get(name));
      worst = lag.compareTo(worst) > 0 ? lag : worst;
      assertTrue(
          lag.compareTo(BOUND) <= 0, name + " reached S3 " + lag + " after it was completed");
    }
    System.out.println(
        "WalArchivingTest: "
            + completed.size()
            + " segments, worst completion-to-S3 lag "
            + worst.toMillis()
            + " ms (archive_timeout "
            + ARCHIVE_TIMEOUT_SECONDS
            + " s)");
    for (String name : new TreeSet<>(completed.keySet())) {
      assertDecryptsToServersSegment(name);
    }
    assertContiguousFromFirst();
  }

  /**
   * (b) The bucket unreachable for 40 s: archive_command fails, PostgreSQL counts the failures and
   * keeps the segments in pg_wal; once the path is back, archiving catches up with nothing missing.
   */
  @Test
  @Order(2)
  void theBucketUnreachableForAWhileLosesNothing() throws Exception {
    assertContiguousFromFirst();
    long failedBefore = archiverCounter("failed_count");
    Set<String> before = archived();
    s3Path.down();
    Set<String> pending = new TreeSet<>();
    try {
      Instant end = Instant.now().plusSeconds(40);
      while (Instant.now().isBefore(end)) {
        pending.addAll(readyFiles());
        Thread.sleep(500);
      }
      assertTrue(
          archiverCounter("failed_count") > failedBefore,
          "pg_stat_archiver.failed_count rose while S3 was unreachable");
      Set<String> waiting = readyFiles();
      assertTrue(waiting.size() >= 3, "segments wait for the archive: " + waiting);
      for (String name : waiting) {
        assertTrue(Files.exists(walFile(name)), name + " is kept in pg_wal until archived");
      }
      Set<String> during = archived();
      during.removeAll(before);
      assertTrue(
          during.size() <= 1,
          "nothing reached S3 while it was unreachable (one in flight): " + during);
    } finally {
      s3Path.up();
    }
    awaitAllArchived(pending, new ConcurrentHashMap<>());
    assertContiguousFromFirst();
    for (String name : pending) {
      assertArchivedCopyMatches(name);
    }
  }

  /**
   * (c) The archive command SIGKILLed again and again while it runs: PostgreSQL retries, and in the
   * end every segment is archived, once, with its own bytes.
   */
  @Test
  @Order(3)
  void archiveCommandsKilledMidRunLoseNothing() throws Exception {
    String from = currentSegment();
    AtomicInteger kills = new AtomicInteger();
    Instant end = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(end)) {
      // Only the JVMs this test's server started: their command line names this test's directory.
      ProcessHandle.allProcesses()
          .filter(
              p ->
                  commandLine(p).contains(home.toString()) && commandLine(p).contains("WalCommand"))
          .forEach(
              p -> {
                if (p.destroyForcibly()) {
                  kills.incrementAndGet();
                }
              });
      Thread.sleep(150 + (kills.get() % 4) * 200L);
    }
    assertTrue(kills.get() >= 5, "the archive command was killed mid-run " + kills + " times");
    String to = currentSegment();
    List<String> killedPhase = between(from, to);
    awaitAllArchived(killedPhase, new ConcurrentHashMap<>());
    assertContiguousFromFirst();
    for (String name : killedPhase) {
      assertArchivedCopyMatches(name);
    }
    assertDecryptsToServersSegment(killedPhase.get(killedPhase.size() - 1));
  }

  /**
   * (d) A different segment offered under an archived name: exit 3 and an ALARM naming both
   * digests, the object unchanged; the same bytes again: exit 0.
   */
  @Test
  @Order(4)
  void aDifferentSegmentUnderAnArchivedNameIsAnAlarmThatChangesNothing() throws Exception {
    String name = new TreeSet<>(archived()).first();
    byte[] real = Files.readAllBytes(walFile(name));
    byte[] other = real.clone();
    other[5000] ^= 0x55; // past the page header: still this cluster's segment, other content
    Path offered = Files.createDirectories(home.resolve("offered")).resolve(name);
    Files.write(offered, other);
    HeadObjectResponse before = head(name);

    Outcome alarm = command("push", offered.toString(), name);
    assertEquals(WalCommand.PUSH_ALARM, alarm.exit(), alarm.output());
    assertTrue(alarm.output().contains("ALARM"), alarm.output());
    assertTrue(alarm.output().contains(PlaintextDigest.sha256(real)), alarm.output());
    assertTrue(alarm.output().contains(PlaintextDigest.sha256(other)), alarm.output());
    assertEquals(before.eTag(), head(name).eTag(), "the archived object is untouched");

    Outcome retry = command("push", "pg_wal/" + name, name);
    assertEquals(0, retry.exit(), retry.output());
    assertTrue(retry.output().contains("already archived"), retry.output());
    assertEquals(before.eTag(), head(name).eTag());
  }

  /**
   * (e) fetch as restore_command: an archived segment comes back byte for byte, a missing one is
   * exit 1 without a word, a tampered one (digest or ciphertext) is refused with exit 128.
   */
  @Test
  @Order(5)
  void fetchRestoresWhatWasArchivedAndRefusesWhatWasTamperedWith() throws Exception {
    String name = new TreeSet<>(archived()).last();
    Path target = Files.createDirectories(home.resolve("restore")).resolve("RECOVERYXLOG");
    Outcome fetched = command("fetch", name, target.toString());
    assertEquals(0, fetched.exit(), fetched.output());
    assertArrayEquals(Files.readAllBytes(walFile(name)), Files.readAllBytes(target));

    Outcome missing = command("fetch", "00000001000000FF000000FF", target.toString());
    assertEquals(WalCommand.FETCH_MISSING, missing.exit(), missing.output());
    assertEquals("", missing.output().strip(), "a missing file is normal: no message");
    Outcome history = command("fetch", "00000002.history", target.toString());
    assertEquals(WalCommand.FETCH_MISSING, history.exit(), history.output());

    // Tampered copies under another cluster's prefix, fetched as that cluster.
    String tampered = "4242";
    String key = PhysicalArchiveLayout.walKey(system, name);
    byte[] object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    Map<String, String> metadata = head(name).metadata();

    Map<String, String> wrongDigest = new HashMap<>(metadata);
    wrongDigest.put("flowviz-sha256", PlaintextDigest.sha256(new byte[] {42}));
    put(PhysicalArchiveLayout.walKey(tampered, name), object, wrongDigest);
    Outcome digest = command("fetch", name, target.toString(), "--system-identifier", tampered);
    assertEquals(WalCommand.FETCH_FAILED, digest.exit(), digest.output());
    assertTrue(digest.output().contains("REFUSED"), digest.output());

    // Re-encrypted by someone holding only the public key (gpg CLI), old signature kept.
    Path plain = home.resolve("restore").resolve("other-plaintext");
    Files.write(plain, new byte[] {1, 2, 3});
    Path forged = home.resolve("restore").resolve("forged.gpg");
    gpg.encrypt(plain, forged, List.of(BACKUP), false, true);
    put(PhysicalArchiveLayout.walKey(tampered, name), Files.readAllBytes(forged), metadata);
    Outcome signature = command("fetch", name, target.toString(), "--system-identifier", tampered);
    assertEquals(WalCommand.FETCH_FAILED, signature.exit(), signature.output());
    assertTrue(signature.output().contains("does not match"), signature.output());
    assertArrayEquals(
        Files.readAllBytes(walFile(name)),
        Files.readAllBytes(target),
        "a refused fetch leaves %p as it was");
  }

  /** /proc's whole command line: ProcessHandle.Info drops long ones (the test's classpath). */
  private static String commandLine(ProcessHandle p) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  // ---- the server and the bucket ----

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + cluster.port() + "/postgres", "admin", PASSWORD);
  }

  private static String currentSegment() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
      r.next();
      return r.getString(1);
    }
  }

  private static long archiverCounter(String column) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT " + column + " FROM pg_stat_archiver")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static Path walFile(String name) {
    return cluster.dataDirectory().resolve("pg_wal").resolve(name);
  }

  private static Set<String> readyFiles() throws IOException {
    try (Stream<Path> files =
        Files.list(cluster.dataDirectory().resolve("pg_wal/archive_status"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".ready"))
          .map(n -> n.substring(0, n.length() - ".ready".length()))
          .filter(PhysicalArchiveLayout::isSegment)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** The segment names in the bucket, timeline 1, read directly from moto. */
  private static Set<String> archived() {
    String prefix = PhysicalArchiveLayout.walPrefix(system) + "00000001/";
    Set<String> names = new TreeSet<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))
        .contents()
        .forEach(
            o -> {
              String name = o.key().substring(prefix.length()).replace(".gpg", "");
              if (PhysicalArchiveLayout.isSegment(name)) {
                names.add(name);
              }
            });
    return names;
  }

  private static HeadObjectResponse head(String name) {
    return s3.headObject(b -> b.bucket(bucket).key(PhysicalArchiveLayout.walKey(system, name)));
  }

  private static void put(String key, byte[] content, Map<String, String> metadata) {
    s3.putObject(b -> b.bucket(bucket).key(key).metadata(metadata), RequestBody.fromBytes(content));
  }

  private static void awaitAllArchived(Collection<String> names, Map<String, Instant> seen)
      throws Exception {
    Instant deadline = Instant.now().plus(CATCH_UP);
    while (true) {
      Set<String> now = archived();
      Instant at = Instant.now();
      now.forEach(n -> seen.putIfAbsent(n, at));
      if (now.containsAll(names)) {
        return;
      }
      if (at.isAfter(deadline)) {
        Set<String> missing = new TreeSet<>(names);
        missing.removeAll(now);
        throw new AssertionError(
            "not archived within " + CATCH_UP + ": " + missing + "; server log:\n" + serverLog());
      }
      Thread.sleep(500);
    }
  }

  /** Every segment from the first completed with archiving on up to the last completed one. */
  private static void assertContiguousFromFirst() throws Exception {
    String current = currentSegment();
    List<String> expected = between(firstArchived, current);
    awaitAllArchived(expected, new ConcurrentHashMap<>());
    Set<String> archived = archived();
    for (String name : expected) {
      assertTrue(archived.contains(name), name + " is missing from the archive");
    }
  }

  /** The object's recorded digest is the server's segment's, and gpg decrypts it to those bytes. */
  private static void assertDecryptsToServersSegment(String name) throws IOException {
    assertArchivedCopyMatches(name);
    Path object = home.resolve("check-" + name + ".gpg");
    Path plaintext = home.resolve("check-" + name);
    Files.write(
        object,
        s3.getObjectAsBytes(b -> b.bucket(bucket).key(PhysicalArchiveLayout.walKey(system, name)))
            .asByteArray());
    gpg.decrypt(object, plaintext, null);
    assertArrayEquals(Files.readAllBytes(walFile(name)), Files.readAllBytes(plaintext), name);
    Files.delete(object);
    Files.delete(plaintext);
  }

  private static void assertArchivedCopyMatches(String name) throws IOException {
    assertEquals(
        PlaintextDigest.sha256(Files.readAllBytes(walFile(name))),
        head(name).metadata().get("flowviz-sha256"),
        name + " was archived with the server's bytes");
  }

  /** Segment names from {@code first} (inclusive) to {@code last} (exclusive), timeline 1. */
  static List<String> between(String first, String last) {
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

  private static String serverLog() {
    try {
      List<String> lines = Files.readAllLines(cluster.home().resolve("server.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no server log: " + e.getMessage() + ")";
    }
  }

  // ---- the command, run by hand as an operator would ----

  record Outcome(int exit, String output) {}

  private static Outcome command(String... args) throws Exception {
    List<String> line = new ArrayList<>(List.of(wrapper.toString()));
    line.addAll(List.of(args));
    return run(line, cluster.dataDirectory());
  }

  private static Outcome run(List<String> command, Path directory) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("did not finish: " + command);
    }
    return new Outcome(p.exitValue(), output);
  }

  /**
   * The test JVM's classpath where the server's user can read it (the Maven repository is under
   * root's home): jars hard-linked (copied across file systems), class directories copied.
   */
  private static String serverReadableClasspath(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (!Files.exists(source)) {
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

  /** Steady writes: a batch of rows every 100 ms on one connection, until stopped. */
  private static final class Load {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Load() throws SQLException {
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE load (id bigserial PRIMARY KEY, at timestamptz, payload text)");
      }
      thread =
          new Thread(
              () -> {
                try (Connection c = connect();
                    Statement s = c.createStatement()) {
                  while (running.get()) {
                    s.execute(
                        "INSERT INTO load (at, payload) SELECT now(), md5(random()::text) ||"
                            + " repeat('flowviz', 10) FROM generate_series(1, 500)");
                    Thread.sleep(100);
                  }
                } catch (SQLException e) {
                  if (running.get()) {
                    throw new UncheckedIOException(new IOException(e));
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "wal-load");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      running.set(false);
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
