package com.flowviz.dr.activities.bench;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.FilePrivateKeySource;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.physical.BaseBackupRestoreSpec;
import com.flowviz.dr.activities.physical.BaseBackupRestored;
import com.flowviz.dr.activities.physical.RecoveryChoice;
import com.flowviz.dr.activities.physical.RecoveryChoiceSpec;
import com.flowviz.dr.activities.physical.RecoveryReached;
import com.flowviz.dr.activities.physical.RecoverySpec;
import com.flowviz.dr.activities.physical.RecoveryTarget;
import com.flowviz.dr.activities.physical.pitr.PointInTimeActivitiesImpl;
import com.flowviz.dr.activities.physical.wal.WalPush;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.postgres.ServerRegistry;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * deploy/bench/pitr-restore.sh's harness: the project's point-in-time recovery to "latest" through
 * the real activity implementation, timed from the choice of the base backup to the first query on
 * the promoted instance. First (untimed) it pushes the WAL the benchmark's archive_command copied
 * aside into the bucket with the real push, as the worker's archiver would have.
 *
 * <pre>
 *   PitrRestoreBench BUCKET SYSTEM_IDENTIFIER PUBLIC_KEY SECRET_KEY SIGNER_PUBLIC_KEY SECRETS_DIR
 *                    WAL_COPY_DIR INSTANCES_ROOT INSTANCE DATABASE TABLE
 * </pre>
 */
public final class PitrRestoreBench {
  private PitrRestoreBench() {}

  public static void main(String[] args) throws Exception {
    String bucket = args[0];
    String system = args[1];
    S3Client s3 =
        AwsClients.s3(
            System.getenv().getOrDefault("AWS_REGION", "us-east-1"),
            System.getenv("AWS_ENDPOINT_URL"));
    BackupStore store = new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE);
    Map<String, Object> out = new LinkedHashMap<>();

    long p0 = System.nanoTime();
    WalPush push =
        new WalPush(
            new SigningBackupStore(
                store,
                new BackupSigningKey(
                    new LocalSecretStore(Path.of(args[5])),
                    BackupSigningKey.DEFAULT_KEY_SECRET,
                    BackupSigningKey.DEFAULT_PASSPHRASE_SECRET)),
            bucket,
            new RecipientKeys(Path.of(args[2])));
    int pushed = 0;
    try (Stream<Path> files = Files.list(Path.of(args[6]))) {
      for (Path file : files.sorted().toList()) {
        push.push(file, file.getFileName().toString(), system);
        pushed++;
      }
    }
    out.put("wal_files_pushed", pushed);
    out.put("push_seconds", seconds(p0));

    PointInTimeActivitiesImpl pitr =
        new PointInTimeActivitiesImpl(
            store,
            TrustedSigners.keyFile(Path.of(args[4])),
            new FilePrivateKeySource(Path.of(args[3]), null),
            PgBinaries.locate(null),
            Path.of(args[7]),
            // The bench connects to the recovered instance itself; the entry is not used.
            ServerRegistry.recordingIn(
                new LocalSecretStore(Files.createTempDirectory("flowviz-dr-bench-registry"))));
    String instance = args[8];
    // The first restore in this JVM: what a worker that has just started pays (class loading and
    // the JIT's first compilations of the decryption path included), timed from the process's
    // start when the script says when that was.
    Map<String, Object> cold = restoreOnce(pitr, bucket, system, instance, args[9], args[10]);
    String launched = System.getenv("BENCH_T0_MS");
    if (launched != null) {
      long ended = (Long) cold.get("ended_ms");
      double pushSeconds = (Double) out.get("push_seconds");
      cold.put(
          "wall_from_launch_seconds",
          Math.round(ended - Long.parseLong(launched) - pushSeconds * 1000) / 1000.0);
    }
    out.putAll(cold);
    if (!"0".equals(System.getenv().getOrDefault("BENCH_PITR_WARM", "1"))) {
      // The same restore again in the same JVM onto another instance, the first one stopped and
      // removed: what a worker that has run a restore before pays.
      LocalPostgresCluster first =
          LocalPostgresCluster.existing(
              Path.of(args[7]).resolve(instance), PgBinaries.locate(null));
      first.destroy();
      out.put("warm", restoreOnce(pitr, bucket, system, instance + "-warm", args[9], args[10]));
    }
    System.out.println(Json.MAPPER.writeValueAsString(out));
  }

  private static Map<String, Object> restoreOnce(
      PointInTimeActivitiesImpl pitr,
      String bucket,
      String system,
      String instance,
      String database,
      String table)
      throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    RecoveryTarget latest = RecoveryTarget.latest();
    long t0 = System.nanoTime();
    RecoveryChoice choice =
        pitr.chooseBaseBackup(
            RecoveryChoiceSpec.builder()
                .bucket(bucket)
                .systemIdentifier(system)
                .target(latest)
                .build());
    out.put("choose_seconds", seconds(t0));
    long t1 = System.nanoTime();
    BaseBackupRestored restored =
        pitr.restoreBaseBackup(
            BaseBackupRestoreSpec.builder()
                .bucket(bucket)
                .instance(instance)
                .backupPrefix(choice.backupPrefix())
                .manifest(choice.manifest())
                .build());
    out.put("restore_seconds", seconds(t1));
    long t2 = System.nanoTime();
    RecoveryReached reached =
        pitr.recover(RecoverySpec.builder().instance(instance).target(latest).build());
    out.put("recover_seconds", seconds(t2));
    long t3 = System.nanoTime();
    PgClient pg =
        new PgClient(
            new PgConnectionSettings(
                reached.host(), reached.port(), System.getenv("PGUSER"), null, null));
    try (Connection c = pg.connect(database);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      r.next();
      out.put("first_query_rows", r.getLong(1));
    }
    out.put("ended_ms", System.currentTimeMillis());
    out.put("first_query_seconds", seconds(t3));
    out.put("seconds", seconds(t0));
    out.put("restored", restored);
    out.put("reached", reached);
    out.put("port", reached.port());
    return out;
  }

  private static double seconds(long since) {
    return Math.round((System.nanoTime() - since) / 1e6) / 1000.0;
  }
}
