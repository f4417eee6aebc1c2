package com.flowviz.dr.worker.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.physical.wal.PlaintextDigest;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestMoto;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The resident archiver ({@code flowviz-wal serve}) and the wrapper's client, as PostgreSQL runs
 * them: the real deploy/wal/flowviz-wal script, in a data directory, against moto with gpg keys.
 * Segments are synthetic (a long page header naming the cluster), 2 MiB so the tests stay short.
 */
class WalServeTest {

  private static final Path SCRIPT = Path.of("..", "deploy", "wal", "flowviz-wal").toAbsolutePath();
  private static final String BACKUP = "backup@flowviz.com";
  private static final String SIGNING = "signing@flowviz.com";
  private static final String PASSPHRASE = "signing passphrase";
  private static final String SYSTEM = "7322222222222222222";

  private static GpgHome gpg;
  private static Path root;
  private static Path data;
  private static Path restoring;
  private static S3Client s3;
  private static String bucket;
  private static Map<String, String> env;
  private static Process daemon;
  private static long seed;

  @BeforeAll
  static void startArchiver() throws Exception {
    gpg = GpgHome.create();
    gpg.generateKey(BACKUP, GpgHome.KeyType.CURVE25519, null);
    gpg.generateKey(SIGNING, GpgHome.KeyType.CURVE25519, PASSPHRASE);
    root = Files.createTempDirectory("wal-serve");
    Files.write(root.resolve("backup.pub.asc"), gpg.exportPublicKey(BACKUP, true));
    Files.write(root.resolve("backup.key.asc"), gpg.exportSecretKey(BACKUP, null, true));
    Files.write(root.resolve("signing.pub.asc"), gpg.exportPublicKey(SIGNING, true));
    LocalSecretStore secrets = new LocalSecretStore(root.resolve("secrets"));
    secrets.write(
        BackupSigningKey.DEFAULT_KEY_SECRET,
        new String(gpg.exportSecretKey(SIGNING, PASSPHRASE, true), StandardCharsets.US_ASCII));
    secrets.write(BackupSigningKey.DEFAULT_PASSPHRASE_SECRET, PASSPHRASE);

    data = root.resolve("data");
    Files.createDirectories(data.resolve("global"));
    Files.createDirectories(data.resolve("pg_wal"));
    Files.write(
        data.resolve("global").resolve("pg_control"),
        ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putLong(Long.parseUnsignedLong(SYSTEM))
            .array());

    Files.writeString(data.resolve("PG_VERSION"), "15\n");
    // A copy of the cluster being restored: its data directory in recovery, where fetch writes.
    restoring = root.resolve("restoring");
    Files.createDirectories(restoring.resolve("global"));
    Files.createDirectories(restoring.resolve("pg_wal/archive_status"));
    Files.copy(data.resolve("global/pg_control"), restoring.resolve("global/pg_control"));
    Files.writeString(restoring.resolve("PG_VERSION"), "15\n");
    Files.writeString(restoring.resolve("recovery.signal"), "");
    // restore_command runs only in a running server: its postmaster.pid names a live process.
    Files.writeString(
        restoring.resolve("postmaster.pid"),
        ProcessHandle.current().pid() + "\n" + restoring + "\n");

    s3 = TestMoto.s3();
    bucket = TestMoto.newBucket(s3, "walserve");
    env = new HashMap<>();
    env.put("AWS_ENDPOINT_URL", TestMoto.endpoint());
    env.put("AWS_REGION", TestMoto.REGION);
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("FLOWVIZ_WAL_BUCKET", bucket);
    env.put("FLOWVIZ_GPG_PUBLIC_KEY_FILE", root.resolve("backup.pub.asc").toString());
    env.put("FLOWVIZ_GPG_KEY_FILE", root.resolve("backup.key.asc").toString());
    env.put("FLOWVIZ_GPG_SIGNER_PUBLIC_KEY_FILE", root.resolve("signing.pub.asc").toString());
    env.put("FLOWVIZ_SECRETS_BACKEND", "local");
    env.put("FLOWVIZ_SECRETS_LOCAL_DIRECTORY", root.resolve("secrets").toString());
    env.put("FLOWVIZ_WAL_PGDATA", data.toString());
    env.put("FLOWVIZ_WAL_SERVE_FILE", root.resolve("run").resolve("serve").toString());
    env.put("FLOWVIZ_WAL_CLASSPATH", System.getProperty("java.class.path"));
    env.put("FLOWVIZ_WAL_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    env.put("FLOWVIZ_WAL_ENV_FILE", root.resolve("no-env-file").toString());
    env.put("FLOWVIZ_WAL_CDS", root.resolve("no-cds.jsa").toString());
    daemon = startDaemon(env);
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.destroyForcibly();
    }
    gpg.close();
  }

  private static Process startDaemon(Map<String, String> environment) throws Exception {
    Path serveFile = Path.of(environment.get("FLOWVIZ_WAL_SERVE_FILE"));
    Files.deleteIfExists(serveFile);
    ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "serve");
    pb.environment().putAll(environment);
    pb.redirectErrorStream(true).redirectOutput(root.resolve("serve.log").toFile());
    Process p = pb.start();
    for (int i = 0; i < 300 && !Files.exists(serveFile); i++) {
      assertTrue(p.isAlive(), "flowviz-wal serve exited: " + log());
      Thread.sleep(100);
    }
    assertTrue(Files.exists(serveFile), "no serve file after 30 s: " + log());
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(serveFile)));
    return p;
  }

  private static String log() throws IOException {
    return Files.readString(root.resolve("serve.log"));
  }

  record Run(int code, String stderr) {}

  /** archive_command as PostgreSQL runs it: in the data directory, %p relative to it. */
  private static Run push(String path, String name, Map<String, String> environment)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "push", path, name);
    pb.environment().putAll(environment);
    pb.directory(data.toFile());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static Run push(String name) throws Exception {
    return push("pg_wal/" + name, name, env);
  }

  /** restore_command as PostgreSQL runs it: in the data directory being recovered. */
  private static Run fetch(Path directory, String name, String target, Map<String, String> own)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "fetch", name, target);
    pb.environment().putAll(own);
    pb.directory(directory.toFile());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static Run fetch(String name, String target) throws Exception {
    return fetch(restoring, name, target, env);
  }

  private static String archivedSegment() throws Exception {
    String name = newSegment();
    Run run = push(name);
    assertEquals(0, run.code(), run.stderr());
    return name;
  }

  private static List<String> leftovers() throws IOException {
    try (var files = Files.list(restoring.resolve("pg_wal"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.contains("flowviz-fetch"))
          .toList();
    }
  }

  private static synchronized String newSegment() throws IOException {
    seed++;
    String name = String.format("%08X%08X%08X", 1, 0, 0x100 + seed);
    writeSegment(data.resolve("pg_wal").resolve(name), seed);
    return name;
  }

  private static void writeSegment(Path file, long seed) throws IOException {
    byte[] bytes = new byte[2 << 20];
    new Random(seed).nextBytes(bytes);
    ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    header.putShort(0, (short) 0xD110);
    header.putShort(2, (short) 0x0002);
    header.putLong(24, Long.parseUnsignedLong(SYSTEM));
    Files.write(file, bytes);
  }

  private static String key(String name) {
    return PhysicalArchiveLayout.walKey(SYSTEM, name);
  }

  private static String archivedSha256(String name) {
    return s3.headObject(b -> b.bucket(bucket).key(key(name))).metadata().get("flowviz-sha256");
  }

  private static boolean archived(String name) {
    return s3.listObjectsV2(b -> b.bucket(bucket).prefix(key(name))).keyCount() > 0;
  }

  @Test
  void theArchiverPushesASegmentThatDecryptsWithGpg() throws Exception {
    String name = newSegment();
    Run run = push(name);
    assertEquals(0, run.code(), run.stderr());
    assertTrue(run.stderr().contains("(resident archiver)"), run.stderr());
    assertFalse(run.stderr().contains("one-shot"), run.stderr());

    Path object = root.resolve(name + ".gpg");
    Files.write(object, s3.getObjectAsBytes(b -> b.bucket(bucket).key(key(name))).asByteArray());
    // Signed with the key the archiver keeps unlocked, as gpg checks it by hand (WalObjects).
    Path signature = root.resolve(name + ".gpg.sig");
    Files.write(
        signature,
        java.util.Base64.getDecoder()
            .decode(
                s3.headObject(b -> b.bucket(bucket).key(key(name)))
                    .metadata()
                    .get("flowviz-signature")));
    gpg.importKeys(gpg.exportPublicKey(SIGNING, true));
    assertTrue(gpg.verify(signature, object).contains("GOODSIG"));
    Path plain = root.resolve(name + ".plain");
    gpg.decrypt(object, plain, null);
    byte[] segment = Files.readAllBytes(data.resolve("pg_wal").resolve(name));
    assertArrayEquals(segment, Files.readAllBytes(plain));
    assertEquals(PlaintextDigest.sha256(segment), archivedSha256(name));
  }

  @Test
  void theSameSegmentTwiceIsFineADifferentOneUnderItsNameIsAnAlarm() throws Exception {
    String name = newSegment();
    assertEquals(0, push(name).code());
    String sha256 = archivedSha256(name);

    Run again = push(name);
    assertEquals(0, again.code(), again.stderr());
    assertTrue(again.stderr().contains("already archived (same bytes)"), again.stderr());

    writeSegment(data.resolve("pg_wal").resolve(name), 999);
    Run other = push(name);
    assertEquals(WalCommand.PUSH_ALARM, other.code(), other.stderr());
    assertTrue(other.stderr().contains("ALARM"), other.stderr());
    assertEquals(sha256, archivedSha256(name), "the archived object is untouched");
  }

  @Test
  void theArchiverReadsOnlyWalNamedFilesInItsPgWal() throws Exception {
    String name = newSegment();
    Path outside = root.resolve("outside");
    Files.createDirectories(outside);
    writeSegment(outside.resolve(name), 7);
    String linked = String.format("%08X%08X%08X", 1, 0, 0x900);
    Files.createSymbolicLink(data.resolve("pg_wal").resolve(linked), outside.resolve(name));

    List<Run> refused =
        List.of(
            push("../outside/" + name, name, env), // a path other than pg_wal/<name>
            push("pg_wal/" + name, "000000010000000000000999", env), // path and name disagree
            push("global/pg_control", "pg_control", env), // not a WAL name
            push("pg_wal/" + linked, linked, env)); // a symbolic link out of pg_wal
    for (Run run : refused) {
      assertEquals(WalCommand.PUSH_REFUSED, run.code(), run.stderr());
      assertTrue(run.stderr().contains("(resident archiver)"), run.stderr());
    }
    assertFalse(archived(name));
    assertFalse(archived(linked));
  }

  @Test
  void concurrentPushesAllArchive() throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      names.add(newSegment());
    }
    List<CompletableFuture<Run>> runs = new ArrayList<>();
    for (String name : names) {
      runs.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return push(name);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (CompletableFuture<Run> run : runs) {
      assertEquals(0, run.get(120, TimeUnit.SECONDS).code(), run.get().stderr());
    }
    for (String name : names) {
      assertEquals(
          PlaintextDigest.sha256(Files.readAllBytes(data.resolve("pg_wal").resolve(name))),
          archivedSha256(name));
    }
  }

  @Test
  void aKilledArchiverLeavesTheOneShotPush() throws Exception {
    Map<String, String> own = new HashMap<>(env);
    own.put("FLOWVIZ_WAL_SERVE_FILE", root.resolve("run-killed").resolve("serve").toString());
    Process second = startDaemon(own);
    second.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: the serve file stays
    assertTrue(Files.exists(Path.of(own.get("FLOWVIZ_WAL_SERVE_FILE"))));

    String name = newSegment();
    Run run = push("pg_wal/" + name, name, own);
    assertEquals(0, run.code(), run.stderr());
    assertTrue(run.stderr().contains("one-shot JVM"), run.stderr());
    assertTrue(archived(name));

    // restore_command too: the one-shot JVM fetches it, with the same checks.
    Run fetched = fetch(restoring, name, "pg_wal/" + name, own);
    assertEquals(0, fetched.code(), fetched.stderr());
    assertTrue(fetched.stderr().contains("one-shot JVM"), fetched.stderr());
    assertTrue(fetched.stderr().contains("restored " + name), fetched.stderr());
    assertFalse(fetched.stderr().contains("(resident archiver)"), fetched.stderr());
    assertArrayEquals(
        Files.readAllBytes(data.resolve("pg_wal").resolve(name)),
        Files.readAllBytes(restoring.resolve("pg_wal").resolve(name)));
    Files.delete(restoring.resolve("pg_wal").resolve(name));
  }

  @Test
  void anAnswerWithoutTheTokensMacIsNotBelieved() throws Exception {
    // Something else took the port while the archiver was down and says "0".
    try (ServerSocket impostor = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Path serveFile = root.resolve("run-impostor").resolve("serve");
      Files.createDirectories(serveFile.getParent());
      Files.writeString(serveFile, impostor.getLocalPort() + " " + "ab".repeat(32) + "\n");
      CompletableFuture<Void> answering =
          CompletableFuture.runAsync(
              () -> {
                try (Socket s = impostor.accept()) {
                  s.getInputStream().read(new byte[512]);
                  OutputStream out = s.getOutputStream();
                  out.write(("0 " + "0".repeat(64) + " archived\n").getBytes());
                  out.flush();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      Map<String, String> own = new HashMap<>(env);
      own.put("FLOWVIZ_WAL_SERVE_FILE", serveFile.toString());
      String name = newSegment();
      Run run = push("pg_wal/" + name, name, own);
      answering.get(30, TimeUnit.SECONDS);
      assertEquals(0, run.code(), run.stderr());
      assertTrue(run.stderr().contains("one-shot JVM"), run.stderr());
      assertTrue(archived(name), "the 0 comes from the one-shot push, which archived it");
    }
  }

  @Test
  void theArchiverFetchesIntoPgWalOfTheClusterBeingRecovered() throws Exception {
    String name = archivedSegment();
    byte[] segment = Files.readAllBytes(data.resolve("pg_wal").resolve(name));
    for (String target : List.of("pg_wal/RECOVERYXLOG", "pg_wal/" + name)) {
      Path written = restoring.resolve(target);
      Files.deleteIfExists(written);
      Run run = fetch(name, target);
      assertEquals(0, run.code(), run.stderr());
      assertTrue(run.stderr().contains("restored " + name), run.stderr());
      assertTrue(run.stderr().contains("(resident archiver)"), run.stderr());
      assertFalse(run.stderr().contains("one-shot"), run.stderr());
      assertArrayEquals(segment, Files.readAllBytes(written), target);
      Files.delete(written);
    }
    assertEquals(List.of(), leftovers(), "no temporary file left in pg_wal");
  }

  @Test
  void aFileNotInTheArchiveIsExitOneQuietlyFromTheArchiver() throws Exception {
    long started = System.nanoTime();
    Run missing = fetch("00000001000000FF000000FF", "pg_wal/RECOVERYXLOG");
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(WalCommand.FETCH_MISSING, missing.code(), missing.stderr());
    // Nothing at all: no fallback line either, so the archiver answered (a JVM takes seconds).
    assertEquals("", missing.stderr());
    assertTrue(millis < 5_000, "a missing file is answered at once, took " + millis + " ms");
    Run history = fetch("00000002.history", "pg_wal/RECOVERYHISTORY");
    assertEquals(WalCommand.FETCH_MISSING, history.code(), history.stderr());
    assertEquals("", history.stderr());
    assertFalse(Files.exists(restoring.resolve("pg_wal/RECOVERYXLOG")));
  }

  @Test
  void theArchiverWritesOnlyIntoPgWalOfARunningServersDataDirectory() throws Exception {
    String name = archivedSegment();
    Path outside = Files.createDirectories(root.resolve("not-a-cluster"));
    Path linked = root.resolve("restoring-link");
    Files.createSymbolicLink(linked, restoring);
    List<Run> refused =
        List.of(
            fetch(data, name, "pg_wal/RECOVERYXLOG", env), // no server runs there
            fetch(outside, name, "pg_wal/RECOVERYXLOG", env), // not a data directory
            fetch(restoring, name, "pg_wal/../global/pg_control", env), // out of pg_wal
            fetch(restoring, name, "pg_wal/000000010000000000000999", env), // another name
            fetch(restoring, name, "pg_wal/archive_status", env)); // a directory
    for (Run run : refused) {
      assertEquals(WalCommand.FETCH_FAILED, run.code(), run.stderr());
      assertTrue(run.stderr().contains("REFUSED " + name), run.stderr());
      assertTrue(run.stderr().contains("(resident archiver)"), run.stderr());
    }
    assertFalse(Files.exists(data.resolve("pg_wal/RECOVERYXLOG")));
    assertFalse(Files.exists(outside.resolve("pg_wal")));
    assertFalse(Files.exists(restoring.resolve("pg_wal/000000010000000000000999")));
    // The same directory through a link is the directory itself (the client sends pwd -P).
    Run viaLink = fetch(linked, name, "pg_wal/RECOVERYXLOG", env);
    assertEquals(0, viaLink.code(), viaLink.stderr());
    Files.delete(restoring.resolve("pg_wal/RECOVERYXLOG"));
  }

  @Test
  void aTamperedObjectIsRefusedByTheArchiverAndNothingIsWritten() throws Exception {
    String name = archivedSegment();
    byte[] object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key(name))).asByteArray();
    Map<String, String> metadata =
        new HashMap<>(s3.headObject(b -> b.bucket(bucket).key(key(name))).metadata());
    metadata.put("flowviz-sha256", PlaintextDigest.sha256(new byte[] {42}));
    s3.putObject(
        b -> b.bucket(bucket).key(key(name)).metadata(metadata),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(object));
    Run run = fetch(name, "pg_wal/RECOVERYXLOG");
    assertEquals(WalCommand.FETCH_FAILED, run.code(), run.stderr());
    assertTrue(run.stderr().contains("REFUSED " + name), run.stderr());
    assertTrue(run.stderr().contains("tampered"), run.stderr());
    assertTrue(run.stderr().contains("(resident archiver)"), run.stderr());
    assertFalse(Files.exists(restoring.resolve("pg_wal/RECOVERYXLOG")));
    assertEquals(List.of(), leftovers());
  }
}
