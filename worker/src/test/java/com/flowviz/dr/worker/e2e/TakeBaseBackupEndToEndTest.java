package com.flowviz.dr.worker.e2e;

import static com.flowviz.dr.worker.e2e.SeparateWorkerStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.postgres.ServerNames;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.provision.local.LocalProvisioner;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.S3FaultProxy;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.basebackup.TakeBaseBackupRequest;
import com.flowviz.dr.workflows.basebackup.TakeBaseBackupResult;
import com.flowviz.dr.workflows.procedures.Procedures;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * TakeBaseBackup against private clusters whose WAL is archived, with real pg_basebackup, gpg and
 * moto: on the shared dev server a complete backup (its objects signed, its flowviz manifest
 * written last) that gpg and tar restore by hand into a cluster that starts with the data; and a
 * worker process SIGKILLed while pg_basebackup streams, whose retry takes a new backup under a new
 * id while the killed attempt's directory never gets a manifest.
 */
class TakeBaseBackupEndToEndTest {

  private static final PgBinaries BINARIES = PgBinaries.locate(null);

  @TempDir Path dir;

  @Test
  void aBaseBackupOfAnArchivingInstanceIsCompleteSignedAndRestoresByHand() throws Exception {
    WorkerTestStack stack = WorkerTestStack.get();
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    // An instance as the local provisioner makes them (its mark, its password in Secrets Manager),
    // so the worker's registry admits "instance:<name>"; then archiving is switched on.
    String name = "basebackup-" + UUID.randomUUID().toString().substring(0, 8);
    String password = "pw-" + UUID.randomUUID();
    stack.putSecret(ServerNames.instanceSecret(name), password);
    new LocalProvisioner(stack.instances, BINARIES).create(new InstanceSpec(name, null), password);
    ArchivingPostgres source =
        ArchivingPostgres.archiving(stack.instances.resolve(name), password, readPort(stack, name));
    try {
      source.execute(
          "CREATE TABLE lots (id bigint PRIMARY KEY, code text NOT NULL)",
          "INSERT INTO lots SELECT g, 'LOT-' || g FROM generate_series(1, 20000) g");

      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exit =
          StarterCommand.run(
              new PrintWriter(out),
              new PrintWriter(err),
              "base-backup",
              "--address",
              stack.temporal.address(),
              "--server",
              "instance:" + name,
              "--bucket",
              bucket,
              "--operator",
              "e2e",
              "--workflow-id",
              "base-backup-e2e-" + name,
              "--json");
      assertEquals(0, exit, out + "\n" + err);
      JsonNode printed = Json.MAPPER.readTree(out.toString());
      assertEquals(TakeBaseBackupResult.TAKEN, printed.get("status").asText(), out.toString());
      TakeBaseBackupResult result =
          Json.MAPPER.treeToValue(printed.get("result"), TakeBaseBackupResult.class);
      BaseBackupManifest manifest = result.manifest();
      assertEquals(source.systemIdentifier(), manifest.systemIdentifier());
      assertEquals(
          PhysicalArchiveLayout.backupPrefix(source.systemIdentifier(), manifest.backupId()),
          result.prefix());

      assertComplete(stack.s3, bucket, result.prefix());
      assertTheFlowvizManifestWasWrittenLast(stack.proxy, bucket, result.prefix());
      Path downloaded = Files.createDirectories(dir.resolve("downloaded"));
      for (String file :
          List.of(
              PhysicalArchiveLayout.DATA_FILE,
              PhysicalArchiveLayout.PG_MANIFEST_FILE,
              PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE)) {
        Path object = download(stack.s3, bucket, result.prefix() + file, downloaded.resolve(file));
        Path signature =
            download(
                stack.s3,
                bucket,
                result.prefix() + file + ".sig",
                downloaded.resolve(file + ".sig"));
        String status = stack.gpg.verify(signature, object);
        assertTrue(status.contains("[GNUPG:] GOODSIG"), file + ": " + status);
      }
      assertEquals(
          manifest,
          Json.MAPPER.readValue(
              downloaded.resolve(PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE).toFile(),
              BaseBackupManifest.class),
          "the result reports the manifest in the bucket");

      // By hand, as an operator without flowviz-dr would: gpg --decrypt | zstd -d | tar -x, the
      // archived WAL
      // as restore_command, start. The restored cluster holds the rows the source held.
      Path restoredHome = Files.createDirectories(dir.resolve("restored"));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path data = Files.createDirectories(restoredHome.resolve("data"));
      Path tar = restoredHome.resolve("base.tar");
      Path compressed = restoredHome.resolve("base.tar.zst");
      stack.gpg.decrypt(
          downloaded.resolve(PhysicalArchiveLayout.DATA_FILE), compressed, stack.passphrase);
      run(
          List.of(
              RequiredTools.find("zstd"), "-d", "-q", compressed.toString(), "-o", tar.toString()));
      Files.delete(compressed);
      run(List.of(RequiredTools.find("tar"), "-xf", tar.toString(), "-C", data.toString()));
      assertTrue(Files.isRegularFile(data.resolve("backup_label")), "backup_label in the tar");
      assertTrue(
          Files.isRegularFile(data.resolve("backup_manifest")), "backup_manifest in the tar");
      Files.delete(tar);
      Files.writeString(data.resolve("recovery.signal"), "");
      Files.writeString(
          data.resolve("postgresql.auto.conf"),
          "archive_mode = off\nrestore_command = 'cp " + source.archive() + "/%f %p'\n",
          java.nio.file.StandardOpenOption.APPEND);
      run(List.of("chown", "-R", "postgres:postgres", restoredHome.toString()));
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
      try (LocalPostgresCluster restored =
          LocalPostgresCluster.start(restoredHome, 0, "admin", password, BINARIES)) {
        PgClient pg =
            new PgClient(
                new PgConnectionSettings("127.0.0.1", restored.port(), "admin", password, null));
        await(
            "the restored cluster has finished recovery",
            Duration.ofSeconds(120),
            () -> "f".equals(query(pg, "SELECT pg_is_in_recovery()")));
        assertEquals("20000", query(pg, "SELECT count(*) FROM lots"));
      }
    } finally {
      source.destroy();
    }
  }

  /**
   * The shared cluster does not archive its WAL (archive_mode off, as PostgreSQL ships): the
   * procedure fails at once, non-retryable, naming the setting, and writes nothing.
   */
  @Test
  void aServerThatDoesNotArchiveItsWalIsRefusedNamingTheSettingAndNothingIsWritten()
      throws Exception {
    WorkerTestStack stack = WorkerTestStack.get();
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    assertEquals("off", TestPostgres.query("postgres", "SHOW archive_mode").get(0));
    String id = "base-backup-archiving-off-" + System.nanoTime();
    WorkflowStub workflow =
        stack.client.newUntypedWorkflowStub(
            Procedures.TAKE_BASE_BACKUP.typeName(), SeparateWorkerStack.options(id));
    workflow.start(TakeBaseBackupRequest.builder().operator("e2e").bucket(bucket).build());

    WorkflowFailedException failed =
        assertThrows(
            WorkflowFailedException.class,
            () -> workflow.getResult(3, TimeUnit.MINUTES, TakeBaseBackupResult.class));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(FailureTypes.ARCHIVING_NOT_CONFIGURED, cause.getType(), cause.getMessage());
    assertTrue(cause.isNonRetryable());
    assertTrue(cause.getOriginalMessage().contains("archive_mode"), cause.getOriginalMessage());
    assertTrue(
        stack.s3.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty(), "nothing was written");
    assertTrue(
        stack.s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty(),
        "no upload was begun");
    long attempts =
        stack.client.fetchHistory(id).getHistory().getEventsList().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
            .filter(e -> e.getActivityTaskStartedEventAttributes().getAttempt() > 1)
            .count();
    assertEquals(0, attempts, "a setting is not retried");
  }

  /**
   * THE KILL: SIGKILL the worker while pg_basebackup streams into the multipart upload. The retry
   * (a new worker) takes a new base backup under a new id; the killed attempt's directory has no
   * flowviz manifest, so nothing ever takes it for a backup; the workflow completes.
   */
  @Test
  void aWorkerKilledWhilePgBasebackupStreamsLeavesNoCompleteLookingHalfAndTheRetryANewBackup()
      throws Exception {
    String password = "pw-" + UUID.randomUUID();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    ArchivingPostgres source =
        ArchivingPostgres.archiving(
            dir.resolve("pg"),
            password,
            0,
            // Enough data that the stream lasts seconds, written before archiving starts; random
            // bytes, so compression does not shrink it to nothing.
            "CREATE TABLE readings (id bigint, payload bytea)",
            "INSERT INTO readings SELECT g, decode(md5(g::text) || md5((g * 7)::text), 'hex')"
                + " FROM generate_series(1, 3000000) g");
    try (SeparateWorkerStack stack = new SeparateWorkerStack(dir)) {
      String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
      source.becomeProductionOf(stack, dir, password);
      String basePrefix = PhysicalArchiveLayout.basePrefix(source.systemIdentifier());

      WorkerProcess worker = stack.startWorker();
      try {
        String id = "base-backup-kill-" + System.nanoTime();
        WorkflowStub workflow =
            stack.client.newUntypedWorkflowStub(
                Procedures.TAKE_BASE_BACKUP.typeName(), SeparateWorkerStack.options(id));
        workflow.start(TakeBaseBackupRequest.builder().operator("e2e").bucket(bucket).build());

        List<MultipartUpload> streaming = new ArrayList<>();
        await(
            "pg_basebackup streams into the multipart upload (a part is stored)",
            Duration.ofMinutes(3),
            () -> {
              streaming.clear();
              streaming.addAll(uploadsWithParts(stack.s3, bucket, basePrefix));
              return !streaming.isEmpty();
            });
        String killedPrefix = prefixOf(streaming.get(0).key());
        worker.kill();
        assertFalse(
            exists(stack.s3, bucket, killedPrefix + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE),
            "killed mid-stream: the attempt had not finished");
        worker = stack.startWorker();

        TakeBaseBackupResult result =
            workflow.getResult(8, TimeUnit.MINUTES, TakeBaseBackupResult.class);

        assertNotEquals(killedPrefix, result.prefix(), "the retry is a new backup, a new id");
        assertComplete(stack.s3, bucket, result.prefix());
        assertFalse(
            exists(stack.s3, bucket, killedPrefix + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE),
            "the killed attempt never looks complete");
        assertTrue(
            result.manifest().tarBytes() > 150L * 1024 * 1024,
            "the whole cluster: " + result.manifest().tarBytes());
        List<HistoryEvent> events = stack.client.fetchHistory(id).getHistory().getEventsList();
        assertTrue(
            events.stream()
                .anyMatch(
                    e ->
                        e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
                            && e.getActivityTaskStartedEventAttributes().getAttempt() >= 2),
            "the base backup activity ran again after the kill");
        // The killed stream's backup did not stay open on the server.
        await(
            "no base backup is left running on the server",
            Duration.ofSeconds(60),
            () -> "0".equals(source.query("SELECT count(*) FROM pg_stat_progress_basebackup")));
      } finally {
        worker.close();
      }
    } finally {
      source.destroy();
    }
  }

  /**
   * The six objects of a complete base backup: data, PostgreSQL's manifest, ours, and signatures.
   */
  private static void assertComplete(S3Client s3, String bucket, String prefix) {
    Set<String> names =
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
            .map(S3Object::key)
            .map(k -> k.substring(prefix.length()))
            .collect(Collectors.toSet());
    for (String file :
        List.of(
            PhysicalArchiveLayout.DATA_FILE,
            PhysicalArchiveLayout.PG_MANIFEST_FILE,
            PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE)) {
      assertTrue(names.contains(file), prefix + " holds " + file + ": " + names);
      assertTrue(names.contains(file + ".sig"), prefix + " holds " + file + ".sig: " + names);
    }
  }

  /** Every other object of the backup was written before its flowviz manifest. */
  private static void assertTheFlowvizManifestWasWrittenLast(
      S3FaultProxy proxy, String bucket, String prefix) {
    List<S3FaultProxy.Recorded> writes =
        proxy.requests().stream()
            .filter(r -> bucket.equals(r.bucket()) && r.key() != null && r.key().startsWith(prefix))
            .filter(r -> r.method().equals("PUT") || r.method().equals("POST"))
            .toList();
    String manifest = prefix + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE;
    int first = -1;
    for (int i = 0; i < writes.size(); i++) {
      if (writes.get(i).key().startsWith(manifest)) {
        first = first < 0 ? i : first;
      } else {
        assertTrue(first < 0, writes.get(i).key() + " was written after " + manifest);
      }
    }
    assertTrue(first >= 0, "the manifest was written through the proxy");
  }

  private static List<MultipartUpload> uploadsWithParts(S3Client s3, String bucket, String prefix) {
    List<MultipartUpload> withParts = new ArrayList<>();
    for (MultipartUpload upload :
        s3.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix)).uploads()) {
      if (!s3.listParts(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()))
          .parts()
          .isEmpty()) {
        withParts.add(upload);
      }
    }
    return withParts;
  }

  private static String prefixOf(String key) {
    return key.substring(0, key.lastIndexOf('/') + 1);
  }

  private static boolean exists(S3Client s3, String bucket, String key) {
    return s3.listObjectsV2(b -> b.bucket(bucket).prefix(key)).contents().stream()
        .anyMatch(o -> o.key().equals(key));
  }

  private static Path download(S3Client s3, String bucket, String key, Path to) {
    s3.getObject(b -> b.bucket(bucket).key(key), to);
    return to;
  }

  private static int readPort(WorkerTestStack stack, String name) throws IOException {
    return Integer.parseInt(
        Files.readString(stack.instances.resolve(name).resolve("instance.port")).trim());
  }

  private static String query(PgClient pg, String sql) {
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      return "unreachable: " + e.getMessage();
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError(command + " failed: " + output);
    }
  }

  /**
   * A private cluster whose WAL is archived: data written first (not archived), then {@code
   * archive_mode} on and the server restarted. The archive is a directory the server's user writes.
   */
  static final class ArchivingPostgres {
    private final LocalPostgresCluster cluster;
    private final PgClient pg;
    private final Path archive;
    private final String systemIdentifier;

    private ArchivingPostgres(LocalPostgresCluster cluster, PgClient pg, Path archive)
        throws SQLException {
      this.cluster = cluster;
      this.pg = pg;
      this.archive = archive;
      this.systemIdentifier = query("SELECT system_identifier::text FROM pg_control_system()");
    }

    static ArchivingPostgres archiving(Path home, String password, int port, String... before)
        throws Exception {
      RequiredTools.find("setpriv");
      LocalPostgresCluster cluster =
          LocalPostgresCluster.start(home, port, "admin", password, BINARIES);
      PgClient pg =
          new PgClient(
              new PgConnectionSettings("127.0.0.1", cluster.port(), "admin", password, null));
      Path archive = Files.createDirectories(home.resolve("wal-archive"));
      run(List.of("chown", "postgres:postgres", archive.toString()));
      try (Connection c = pg.connect("postgres");
          Statement s = c.createStatement()) {
        for (String sql : before) {
          s.execute(sql);
        }
        s.execute("ALTER SYSTEM SET wal_level = 'replica'");
        s.execute("ALTER SYSTEM SET archive_mode = 'on'");
        s.execute(
            "ALTER SYSTEM SET archive_command = 'test ! -f "
                + archive
                + "/%f && cp %p "
                + archive
                + "/%f'");
        s.execute("ALTER SYSTEM SET archive_timeout = '10s'");
      }
      int listening = cluster.port();
      cluster.stop();
      cluster = LocalPostgresCluster.start(home, listening, "admin", password, BINARIES);
      return new ArchivingPostgres(cluster, pg, archive);
    }

    int port() {
      return cluster.port();
    }

    PgClient client() {
      return pg;
    }

    Path archive() {
      return archive;
    }

    String systemIdentifier() {
      return systemIdentifier;
    }

    void execute(String... statements) throws SQLException {
      try (Connection c = pg.connect("postgres");
          Statement s = c.createStatement()) {
        for (String sql : statements) {
          s.execute(sql);
        }
      }
    }

    String query(String sql) {
      return TakeBaseBackupEndToEndTest.query(pg, sql);
    }

    /**
     * This cluster is the production server of the workers the stack starts from now on: its port,
     * and its password in a pgpass file of the directory's.
     */
    void becomeProductionOf(SeparateWorkerStack stack, Path dir, String password)
        throws IOException {
      Path pgpass = dir.resolve("source.pgpass");
      Files.createFile(
          pgpass,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(pgpass, "127.0.0.1:" + port() + ":*:admin:" + password + "\n");
      stack.property("flowviz.pg.port", port());
      stack.property("flowviz.pg.passfile", pgpass);
    }

    /** The primary goes down as in an outage: an immediate stop, no checkpoint. */
    void crash() throws IOException, InterruptedException {
      run(
          LocalPostgresCluster.asServerUser(
              List.of(
                  BINARIES.program("pg_ctl"),
                  "-D",
                  cluster.dataDirectory().toString(),
                  "-m",
                  "immediate",
                  "stop")));
    }

    void destroy() {
      cluster.destroy();
    }
  }
}
