package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.physical.wal.WalPush;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.postgres.ServerNames;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.provision.local.LocalProvisioner;
import com.flowviz.dr.activities.sample.SampleFlowVizDatabase;
import com.flowviz.dr.activities.secrets.SecretsManagerSecretStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The point-in-time recovery end to end, as an operator runs it: the starter's {@code restore-pitr}
 * against a worker with trusted signers, on an archiving instance whose base backup was taken by
 * the starter's {@code base-backup} and whose WAL reached the bucket through the real push; the
 * recovered instance holds exactly the rows committed up to the chosen commit time.
 */
class RestoreToPointInTimeEndToEndTest {

  private static final PgBinaries BINARIES = PgBinaries.locate(null);

  @Test
  void theStarterRecoversAnInstanceToACommitTimeThroughTheWorker() throws Exception {
    WorkerTestStack shared = WorkerTestStack.get(); // the backup and signing keys
    Path signers = Files.createTempFile("flowviz-dr-pitr-signers", ".asc");
    Files.write(signers, shared.gpg.exportPublicKey(WorkerTestStack.SIGNING_EMAIL, true));
    // Restores replay only what flowviz-dr signed: this worker knows the signing key.
    WorkerTestStack stack =
        WorkerTestStack.withSettings(
            Map.of("flowviz.gpg.signer-public-key-file", signers.toString()));
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    String name = "pitrsrc-" + UUID.randomUUID().toString().substring(0, 8);
    String password = "pw-" + UUID.randomUUID();
    stack.putSecret(ServerNames.instanceSecret(name), password);
    new LocalProvisioner(stack.instances, BINARIES).create(new InstanceSpec(name, null), password);
    int port =
        Integer.parseInt(
            Files.readString(stack.instances.resolve(name).resolve("instance.port")).trim());
    TakeBaseBackupEndToEndTest.ArchivingPostgres source =
        TakeBaseBackupEndToEndTest.ArchivingPostgres.archiving(
            stack.instances.resolve(name),
            password,
            port,
            "ALTER SYSTEM SET track_commit_timestamp = on");
    String recovered = "pitr-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      SampleFlowVizDatabase.create(source.client(), "flowviz", 50, Instant.now());
      source.execute(
          "CREATE TABLE lots (id int PRIMARY KEY, code text NOT NULL)",
          "INSERT INTO lots SELECT g, 'LOT-' || g FROM generate_series(1, 1000) g");
      String out =
          starter(
              stack,
              "base-backup",
              "--server",
              "instance:" + name,
              "--bucket",
              bucket,
              "--operator",
              "e2e",
              "--workflow-id",
              "base-backup-pitr-" + name,
              "--json");
      assertEquals("TAKEN", Json.MAPPER.readTree(out).get("status").asText(), out);

      List<Instant> commits = new ArrayList<>();
      for (int id = 1001; id <= 1020; id++) {
        source.execute("INSERT INTO lots VALUES (" + id + ", 'LOT-' || " + id + ")");
        commits.add(
            Instant.parse(
                source.query(
                    "SELECT to_char(pg_xact_commit_timestamp(xmin) AT TIME ZONE 'UTC',"
                        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM lots WHERE id = "
                        + id)));
        Thread.sleep(10);
      }
      String last = source.query("SELECT pg_walfile_name(pg_switch_wal())");
      awaitFile(source.archive().resolve(last));
      pushArchive(stack, bucket, source);

      Instant target = commits.get(11); // the commit of lot 1012
      out =
          starter(
              stack,
              "restore-pitr",
              "--instance",
              recovered,
              "--bucket",
              bucket,
              "--target-time",
              target.toString(),
              "--source-server",
              "instance:" + name,
              "--operator",
              "e2e",
              "--workflow-id",
              "restore-pitr-e2e-" + recovered,
              "--json");
      JsonNode printed = Json.MAPPER.readTree(out);
      RestoreToPointInTimeResult result =
          Json.MAPPER.treeToValue(printed.get("result"), RestoreToPointInTimeResult.class);
      assertEquals(recovered, result.instance());
      PgClient pg =
          new PgClient(
              new PgConnectionSettings(
                  result.reached().host(), result.reached().port(), "admin", password, null));
      assertEquals("1012", query(pg, "SELECT count(*) FROM lots"), out);
      assertEquals("1012", query(pg, "SELECT max(id) FROM lots"));
      assertEquals("f", query(pg, "SELECT pg_is_in_recovery()"));
      assertTrue(
          result.verification().passed(),
          "5.1/5.2 on the copy, as the source instance's role: " + result.verification());
      assertEquals(
          "instance:" + recovered, result.reached().server().name(), "the copy is registered");
      assertTrue(result.reached().stoppedAt().contains("recovery stopping before commit"), out);
      assertEquals("1020", source.query("SELECT count(*) FROM lots"), "the source untouched");

      // A PITR drill of the same archive: recovered to latest on a scratch instance, verified,
      // timed, torn down.
      out =
          starter(
              stack,
              "drill",
              "--path",
              "pitr",
              "--bucket",
              bucket,
              "--source-server",
              "instance:" + name,
              "--operator",
              "e2e",
              "--workflow-id",
              "drill-pitr-" + recovered,
              "--json");
      JsonNode drill = Json.MAPPER.readTree(out);
      drill = drill.has("result") ? drill.get("result") : drill;
      assertEquals("PASSED", drill.path("outcome").asText(), out);
      assertEquals("pitr", drill.path("path").asText(), out);
      assertTrue(drill.path("verificationPassed").asBoolean(), out);
      assertTrue(drill.path("scratchTornDown").asBoolean(), out);
      assertTrue(
          !Files.exists(stack.instances.resolve(drill.path("scratchInstance").asText())),
          "the scratch instance is gone");
    } finally {
      LocalPostgresCluster.existing(stack.instances.resolve(recovered), BINARIES).destroy();
      source.destroy();
      Files.deleteIfExists(signers);
    }
  }

  private static String starter(WorkerTestStack stack, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--address");
    all.add(2, stack.temporal.address());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        StarterCommand.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    assertEquals(0, exit, out + "\n" + err);
    return out.toString();
  }

  /** The source's archived WAL into the bucket, as its archive_command's push would. */
  private static void pushArchive(
      WorkerTestStack stack, String bucket, TakeBaseBackupEndToEndTest.ArchivingPostgres source)
      throws Exception {
    pushArchive(stack.s3, bucket, source);
  }

  /** The same through any S3 client (a fault proxy's), signed with the shared signing key. */
  static void pushArchive(
      S3Client s3, String bucket, TakeBaseBackupEndToEndTest.ArchivingPostgres source)
      throws Exception {
    WorkerTestStack keys = WorkerTestStack.get();
    WalPush push =
        new WalPush(
            new SigningBackupStore(
                new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE),
                new BackupSigningKey(
                    new SecretsManagerSecretStore(keys.secrets),
                    WorkerTestStack.SIGNING_KEY_SECRET,
                    BackupSigningKey.DEFAULT_PASSPHRASE_SECRET)),
            bucket,
            new RecipientKeys(keys.publicKey));
    try (Stream<Path> files = Files.list(source.archive())) {
      for (Path file : files.sorted().toList()) {
        push.push(file, file.getFileName().toString(), source.systemIdentifier());
      }
    }
  }

  static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " did not appear within 60 s");
      }
      Thread.sleep(100);
    }
  }

  private static String query(PgClient pg, String sql) throws Exception {
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
