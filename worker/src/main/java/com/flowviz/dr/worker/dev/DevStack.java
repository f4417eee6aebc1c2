package com.flowviz.dr.worker.dev;

import com.flowviz.dr.activities.audit.AuditMigration;
import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.sample.SampleFlowVizDatabase;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.worker.WorkerApplication;
import com.flowviz.dr.workflows.Defaults;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Everything the demo needs on one machine, with nothing installed but the JDK, PostgreSQL and this
 * build: the Temporal dev server on loopback, a private PostgreSQL cluster holding a generated
 * FlowViz database, a backup key pair, a backup store (S3 at AWS_ENDPOINT_URL when set, else a
 * local directory with S3's layout) and the worker. It writes {@code dev.env} with the
 * TEMPORAL_ADDRESS and PG* settings for the starter and psql, then runs until stopped.
 */
@Command(
    name = "flowviz-dr-dev-stack",
    mixinStandardHelpOptions = true,
    description = "Run the embedded dev stack.")
public final class DevStack implements Callable<Integer>, AutoCloseable {

  @Option(
      names = "--home",
      description = "state directory (default: $FLOWVIZ_DEV_HOME or /tmp/flowviz-dr-dev)")
  Path home;

  @Option(names = "--temporal-port", defaultValue = "7233")
  int temporalPort;

  @Option(names = "--pg-port", defaultValue = "0", description = "0 picks a free port")
  int pgPort;

  @Option(
      names = "--lots",
      defaultValue = "5000",
      description = "size of the generated FlowViz database, in lots")
  int lots;

  @Option(names = "--fresh", description = "discard the state of an earlier run first")
  boolean fresh;

  @Option(
      names = "--no-worker",
      description =
          "write the worker's configuration to <home>/worker.properties instead of running it here;"
              + " start it with java -Dmicronaut.config.files=<home>/worker.properties -jar"
              + " flowviz-dr-worker.jar")
  boolean noWorker;

  /**
   * The worker's own audit role on the dev cluster: INSERT and SELECT on the trail, nothing more.
   */
  static final String AUDIT_WRITER = "flowviz_audit_writer";

  private static final String AUDIT_DATABASE = "flowviz_dr_audit";

  private LoopbackTemporalServer temporal;
  private LocalPostgresCluster postgres;
  private ApplicationContext worker;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DevStack()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (home == null) {
      String env = System.getenv("FLOWVIZ_DEV_HOME");
      home = Path.of(env != null && !env.isBlank() ? env : "/tmp/flowviz-dr-dev");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  close();
                  stopped.countDown();
                }));
    start();
    stopped.await();
    return 0;
  }

  void start() throws Exception {
    if (fresh && Files.exists(home)) {
      stopLeftoverCluster();
      deleteTree(home);
    }
    Files.createDirectories(home);
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.deleteIfExists(home.resolve("dev.env"));

    temporal = LoopbackTemporalServer.start(temporalPort);
    log("Temporal dev server on " + temporal.address());

    String password = secret(home.resolve("pg-password"));
    postgres =
        LocalPostgresCluster.start(
            home.resolve("pg"), pgPort, "admin", password, PgBinaries.locate(null));
    // The worker keeps its audit trail as a role that may only insert and read (README, "The audit
    // trail"); the migration, like a DBA's, runs here as the superuser.
    String auditPassword = secret(home.resolve("audit-password"));
    AuditMigration audit = new AuditMigration(new PgClient(postgres.settings()), AUDIT_DATABASE);
    audit.migrate(AUDIT_WRITER);
    audit.setWriterPassword(AUDIT_WRITER, auditPassword);
    Path pgpass = home.resolve("pgpass");
    writePrivate(
        pgpass,
        "127.0.0.1:"
            + postgres.port()
            + ":*:admin:"
            + pgpassField(password)
            + "\n"
            + "127.0.0.1:"
            + postgres.port()
            + ":*:"
            + AUDIT_WRITER
            + ":"
            + pgpassField(auditPassword)
            + "\n");
    log("PostgreSQL " + postgres.home() + " on 127.0.0.1:" + postgres.port());

    PgClient pg = new PgClient(postgres.settings());
    if (!databaseExists(pg, Defaults.DATABASE)) {
      long t0 = System.nanoTime();
      SampleFlowVizDatabase.create(
          pg, Defaults.DATABASE, lots, Instant.now().truncatedTo(ChronoUnit.SECONDS));
      log(
          "Generated the FlowViz sample database \"flowviz\" ("
              + lots
              + " lots) in "
              + (System.nanoTime() - t0) / 1_000_000
              + " ms");
    }

    DevKeys.KeyFiles keys = DevKeys.ensure(home.resolve("keys"));
    log(
        "Backup key pair in "
            + keys.privateKey().getParent()
            + " (public key "
            + keys.publicKey().getFileName()
            + ")");

    // flowviz-dr signs every backup it takes and restores only what a trusted signer signed: the
    // demo's signing key goes where the worker reads it (its local secret store), its public key
    // is the one trusted signer.
    DevKeys.KeyFiles signing = DevKeys.ensureSigning(home.resolve("keys"));
    LocalSecretStore devSecrets = new LocalSecretStore(home.resolve("secrets"));
    devSecrets.write(BackupSigningKey.DEFAULT_KEY_SECRET, Files.readString(signing.privateKey()));
    devSecrets.write(
        BackupSigningKey.DEFAULT_PASSPHRASE_SECRET, Files.readString(signing.passphrase()));

    Map<String, Object> properties = new HashMap<>();
    properties.put("flowviz.temporal.address", temporal.address());
    properties.put("flowviz.temporal.namespace", "default");
    properties.put("flowviz.pg.host", "127.0.0.1");
    properties.put("flowviz.pg.port", postgres.port());
    properties.put("flowviz.pg.user", "admin");
    properties.put("flowviz.pg.passfile", pgpass.toString());
    properties.put("flowviz.pg.audit-database", AUDIT_DATABASE);
    properties.put("flowviz.audit.user", AUDIT_WRITER);
    properties.put("flowviz.gpg.key-file", keys.privateKey().toString());
    properties.put("flowviz.gpg.passphrase-file", keys.passphrase().toString());
    properties.put("flowviz.gpg.public-key-file", keys.publicKey().toString());
    properties.put("flowviz.gpg.signer-public-key-file", signing.publicKey().toString());
    properties.put("flowviz.worker.work-directory", home.resolve("work").toString());
    // The embedded server keeps a dead worker's sticky queue forever; without it, a restarted
    // worker takes over at once.
    properties.put("flowviz.worker.sticky-execution", false);
    properties.put("flowviz.provision.kind", "local");
    properties.put("flowviz.provision.local-root", home.resolve("instances").toString());
    properties.put("flowviz.secrets.backend", "local");
    properties.put("flowviz.secrets.local-directory", home.resolve("secrets").toString());
    properties.put("flowviz.application.env-file", home.resolve("app/db.env").toString());
    // Dev only: the backups double as the "isolated" location, so scenario 2.4 can be tried here.
    properties.put("flowviz.incident.isolated-bucket", Defaults.BUCKET);
    properties.put("flowviz.incident.report-bucket", "flowviz-compliance");
    String endpoint = System.getenv("AWS_ENDPOINT_URL");
    if (endpoint != null && !endpoint.isBlank()) {
      properties.put("flowviz.storage.backend", "s3");
      try (S3Client s3 = AwsClients.s3(null, endpoint)) {
        for (String bucket : List.of(Defaults.BUCKET, "flowviz-compliance")) {
          if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
            s3.createBucket(b -> b.bucket(bucket));
          }
        }
      }
      log("Backup store: S3 at " + endpoint + ", bucket " + Defaults.BUCKET);
    } else {
      Path backups = home.resolve("backups");
      Files.createDirectories(backups.resolve(Defaults.BUCKET));
      Files.createDirectories(backups.resolve("flowviz-compliance"));
      properties.put("flowviz.storage.backend", "local");
      properties.put("flowviz.storage.local-directory", backups.toString());
      log(
          "Backup store: local directory "
              + backups
              + " (set AWS_ENDPOINT_URL to use an S3 endpoint)");
    }
    if (noWorker) {
      // Paths and endpoints only: the secrets stay in the files they name.
      StringBuilder config =
          new StringBuilder("# flowviz-dr worker for the dev stack in " + home + "\n");
      new TreeMap<>(properties)
          .forEach((k, v) -> config.append(k).append('=').append(v).append('\n'));
      writePrivate(home.resolve("worker.properties"), config.toString());
      log(
          "Worker configuration in "
              + home.resolve("worker.properties")
              + " (--no-worker: start the worker yourself)");
    } else {
      worker =
          ApplicationContext.builder()
              .mainClass(WorkerApplication.class)
              .properties(properties)
              .start();
    }

    Files.writeString(
        home.resolve("dev.env"),
        String.join(
                "\n",
                "export TEMPORAL_ADDRESS=" + temporal.address(),
                "export TEMPORAL_NAMESPACE=default",
                "export PGHOST=127.0.0.1",
                "export PGPORT=" + postgres.port(),
                "export PGUSER=admin",
                "export PGPASSFILE=" + pgpass,
                "export PGDATABASE=" + Defaults.DATABASE,
                "export FLOWVIZ_DEV_HOME=" + home)
            + "\n",
        StandardCharsets.UTF_8);
    log("READY: source " + home.resolve("dev.env") + " and use the starter");
  }

  @Override
  public synchronized void close() {
    if (worker != null) {
      worker.close();
      worker = null;
    }
    if (temporal != null) {
      temporal.close();
      temporal = null;
    }
    if (postgres != null) {
      postgres.stop();
      postgres = null;
    }
  }

  private void stopLeftoverCluster() {
    Path data = home.resolve("pg/data");
    if (Files.isRegularFile(data.resolve("postmaster.pid"))) {
      try {
        LocalPostgresCluster leftover =
            LocalPostgresCluster.start(
                home.resolve("pg"), 0, "admin", "unused", PgBinaries.locate(null));
        leftover.stop();
      } catch (RuntimeException ignored) {
        // not running after all
      }
    }
  }

  private static boolean databaseExists(PgClient pg, String name) throws SQLException {
    try (var c = pg.connectMaintenance();
        var s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      s.setString(1, name);
      try (var rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static String pgpassField(String value) {
    return value.replace("\\", "\\\\").replace(":", "\\:");
  }

  /** A random secret kept in a 0600 file, so that a restarted stack reuses its cluster. */
  private static String secret(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      return Files.readString(file).strip();
    }
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    String value = HexFormat.of().formatHex(random);
    writePrivate(file, value);
    return value;
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static void log(String message) {
    System.out.println("[dev-stack] " + message);
    System.out.flush();
  }
}
