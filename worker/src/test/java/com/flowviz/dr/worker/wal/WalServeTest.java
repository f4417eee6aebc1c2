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

    s3 = TestMoto.s3();
    bucket = TestMoto.newBucket(s3, "walserve");
    env = new HashMap<>();
    env.put("AWS_ENDPOINT_URL", TestMoto.endpoint());
    env.put("AWS_REGION", TestMoto.REGION);
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("FLOWVIZ_WAL_BUCKET", bucket);
    env.put("FLOWVIZ_GPG_PUBLIC_KEY_FILE", root.resolve("backup.pub.asc").toString());
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
}
