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
    long t0 = System.nanoTime();
    Object taken = activities.takeBaseBackup(spec);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seconds", Math.round(seconds * 1000) / 1000.0);
    out.put("taken", taken);
    System.out.println(Json.MAPPER.writeValueAsString(out));
  }
}
