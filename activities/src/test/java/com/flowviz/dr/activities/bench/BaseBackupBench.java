package com.flowviz.dr.activities.bench;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.physical.BaseBackupCompression;
import com.flowviz.dr.activities.physical.BaseBackupSpec;
import com.flowviz.dr.activities.physical.basebackup.BaseBackupActivitiesImpl;
import com.flowviz.dr.activities.physical.retention.ArchiveRetention;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.postgres.ServerRegistry;
import com.flowviz.dr.activities.sample.SampleFlowVizDatabase;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * deploy/bench/base-backup.sh's harness: the project's base backup through the real activity
 * implementation (pg_basebackup, OpenPGP, the signing store, S3 multipart to moto), timed from the
 * call to the return, which comes after flowviz-dr's manifest, the last object, is written. Also
 * fills the FlowViz-like database the benchmark backs up.
 *
 * <pre>
 *   BaseBackupBench generate DATABASE LOTS
 *   BaseBackupBench backup BUCKET SYSTEM_IDENTIFIER PUBLIC_KEY_FILE SECRETS_DIR PART_MIB
 * </pre>
 *
 * Connection from PGHOST/PGPORT/PGUSER, S3 from AWS_ENDPOINT_URL/AWS_REGION. Prints one JSON line.
 */
public final class BaseBackupBench {
  private BaseBackupBench() {}

  /**
   * The S3 endpoint's CPU so far (utime + stime, in the kernel's 100 Hz ticks), 0 when not given.
   */
  private static long motoTicks(String pid) throws java.io.IOException {
    if (pid == null) {
      return 0;
    }
    String[] stat = Files.readString(Path.of("/proc", pid, "stat")).split("\\) ", 2)[1].split(" ");
    return Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
  }

  public static void main(String[] args) throws Exception {
    PgConnectionSettings settings = PgConnectionSettings.fromEnvironment(System.getenv());
    PgClient pg = new PgClient(settings);
    if (args[0].equals("generate")) {
      long t0 = System.nanoTime();
      SampleFlowVizDatabase.create(pg, args[1], Integer.parseInt(args[2]), Instant.now());
      System.out.println(
          "{\"generated_seconds\":" + Math.round((System.nanoTime() - t0) / 1e7) / 100.0 + "}");
      return;
    }
    String bucket = args[1];
    String sysid = args[2];
    Path publicKey = Path.of(args[3]);
    LocalSecretStore secrets = new LocalSecretStore(Path.of(args[4]));
    int part = Integer.parseInt(args[5]) * 1024 * 1024;
    String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
    S3Client s3 = AwsClients.s3(region, System.getenv("AWS_ENDPOINT_URL"));
    BackupStore unsigned = new S3BackupStore(s3, part);
    BackupStore signing =
        new SigningBackupStore(
            unsigned,
            new BackupSigningKey(
                secrets,
                BackupSigningKey.DEFAULT_KEY_SECRET,
                BackupSigningKey.DEFAULT_PASSPHRASE_SECRET));
    BaseBackupActivitiesImpl activities =
        new BaseBackupActivitiesImpl(
            new PgServers(
                pg, secrets, new ServerRegistry(settings, secrets, n -> Optional.empty())),
            PgBinaries.locate(null),
            signing,
            new RecipientKeys(publicKey),
            new ArchiveRetention(unsigned, TrustedSigners.none()),
            BaseBackupActivitiesImpl.DEFAULT_ARCHIVE_WAIT_LIMIT,
            // The worker's setting flowviz.base-backup.compression; zstd when not given.
            BaseBackupCompression.named(args.length > 6 ? args[6] : "zstd"));
    BaseBackupSpec spec =
        BaseBackupSpec.builder()
            .server(ServerRegistry.PRODUCTION)
            .bucket(bucket)
            .systemIdentifier(sysid)
            .storageClass("STANDARD")
            .build();
    String moto = System.getenv("BENCH_MOTO_PID");
    long motoTicks0 = motoTicks(moto);
    long t0 = System.nanoTime();
    Object taken = activities.takeBaseBackup(spec);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seconds", Math.round(seconds * 1000) / 1000.0);
    String launched = System.getenv("BENCH_T0_MS");
    if (launched != null) {
      out.put(
          "wall_from_launch_seconds",
          (System.currentTimeMillis() - Long.parseLong(launched)) / 1000.0);
    }
    out.put("moto_cpu_seconds", (motoTicks(moto) - motoTicks0) / 100.0);
    out.put("taken", taken);
    if (!"0".equals(System.getenv().getOrDefault("BENCH_BB_WARM", "0"))) {
      // The worker is a long-lived process: its second and later base backups run on code the JIT
      // has compiled. A second backup in this JVM, into BUCKET-warm, measures that.
      OperatingSystemMXBean os =
          (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long moto0 = motoTicks(moto);
      long w0 = System.nanoTime();
      Object warm = activities.takeBaseBackup(spec.toBuilder().bucket(bucket + "-warm").build());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("seconds", Math.round((System.nanoTime() - w0) / 1e6) / 1000.0);
      row.put("jvm_cpu_seconds", Math.round((os.getProcessCpuTime() - cpu0) / 1e6) / 1000.0);
      row.put("moto_cpu_seconds", (motoTicks(moto) - moto0) / 100.0);
      row.put("taken", warm);
      out.put("warm", row);
    }
    System.out.println(Json.MAPPER.writeValueAsString(out));
  }
}
