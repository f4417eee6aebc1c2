package com.flowviz.dr.worker.e2e;

import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.S3FaultProxy;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.worker.WorkerApplication;
import com.flowviz.dr.worker.dev.LoopbackTemporalServer;
import io.micronaut.context.ApplicationContext;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The real pieces, once per test JVM: the Temporal dev server on loopback, the shared PostgreSQL
 * cluster, moto_server for S3 and Secrets Manager, a backup key made by gpg and stored where the
 * runbook keeps it, and the worker itself (its Micronaut context, as the worker process runs it).
 */
public final class WorkerTestStack {

  public static final String KEY_EMAIL = "backup@flowviz.com";
  public static final String PASSPHRASE_SECRET = "flowviz/backup/gpg-passphrase";
  public static final String KEY_SECRET = "flowviz/backup/gpg-private-key";

  /**
   * The sample databases' newest lot is from 2026-10-31 (TestPostgres's fixed anchor less a day)
   * while the suite's backups are taken now, so its workers accept a newest lot that old; the
   * judgement itself, with the default P2D, is proven by RestoreJudgementTest.
   */
  public static final String SAMPLE_NEWEST_LOT_MARGIN = "P3650D";

  /**
   * The key the worker signs every backup with, where it reads it by default
   * (flowviz.gpg.signing-key-secret-id).
   */
  public static final String SIGNING_EMAIL = "backup-signing@flowviz.com";

  public static final String SIGNING_KEY_SECRET = "flowviz/backup/signing-key";

  private static WorkerTestStack instance;
  private static GpgHome sharedGpg;
  private static String sharedPassphrase;

  public final LoopbackTemporalServer temporal;

  /** Between the worker and moto: can hold retrievals, deny buckets, slow downloads. */
  public final S3FaultProxy proxy;

  public final WorkflowClient client;
  public final GpgHome gpg;
  public final String passphrase;
  public final Path publicKey;
  public final Path workDirectory;

  /** Where local instances of runbook 4.3 go. */
  public final Path instances;

  /** Where 4.3 tells the application its new database. */
  public final Path applicationEnvFile;

  /** The regional terraform stack of 4.4 (provider-free) and where its clusters go. */
  public final Path terraform;

  public final Path stacks;
  public final S3Client s3;
  public final SecretsManagerClient secrets;
  private final ApplicationContext worker;

  /** Every stack this test JVM started, the shared one and those with settings of their own. */
  private static final List<WorkerTestStack> ALL =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  static List<WorkerTestStack> all() {
    return List.copyOf(ALL);
  }

  private WorkerTestStack(Map<String, Object> extraProperties) throws IOException {
    ALL.add(this);
    ProcessWatcher
        .start(); // from the first e2e test on; SecretsStayOutOfSightTest reads what it saw
    temporal = LoopbackTemporalServer.start(0);
    proxy = S3FaultProxy.in(TestMoto.endpoint());
    s3 = TestMoto.s3();
    secrets = TestMoto.secretsManager();

    // One backup key per JVM: every stack reads it from the same place in Secrets Manager.
    synchronized (WorkerTestStack.class) {
      if (sharedGpg == null) {
        sharedPassphrase = "backup key passphrase " + System.nanoTime();
        sharedGpg = GpgHome.create();
        sharedGpg.generateKey(KEY_EMAIL, GpgHome.KeyType.RSA, sharedPassphrase);
        byte[] secretKey = sharedGpg.exportSecretKey(KEY_EMAIL, sharedPassphrase, true);
        putSecret(KEY_SECRET, new String(secretKey, java.nio.charset.StandardCharsets.US_ASCII));
        putSecret(PASSPHRASE_SECRET, sharedPassphrase);
        sharedGpg.generateKey(SIGNING_EMAIL, GpgHome.KeyType.CURVE25519, null);
        putSecret(
            SIGNING_KEY_SECRET,
            new String(
                sharedGpg.exportSecretKey(SIGNING_EMAIL, null, true),
                java.nio.charset.StandardCharsets.US_ASCII));
      }
    }
    gpg = sharedGpg;
    passphrase = sharedPassphrase;

    Path dir = Files.createTempDirectory("flowviz-dr-worker-test");
    publicKey = Files.write(dir.resolve("backup-public.asc"), gpg.exportPublicKey(KEY_EMAIL, true));
    Path pgpass = dir.resolve("pgpass");
    Files.createFile(
        pgpass, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        pgpass,
        "127.0.0.1:"
            + TestPostgres.settings().port()
            + ":*:"
            + TestPostgres.SUPERUSER
            + ":"
            + TestPostgres.password()
            + "\n");
    workDirectory = dir.resolve("work");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    instances = dir.resolve("instances");
    applicationEnvFile = dir.resolve("app/db.env");
    terraform =
        com.flowviz.dr.activities.testing.TerraformConfigurations.copyTo(dir.resolve("terraform"));
    stacks = dir.resolve("stacks");

    Map<String, Object> properties = new HashMap<>();
    properties.put("flowviz.temporal.address", temporal.address());
    properties.put("flowviz.temporal.namespace", "default");
    properties.put("flowviz.pg.host", "127.0.0.1");
    properties.put("flowviz.pg.port", TestPostgres.settings().port());
    properties.put("flowviz.pg.user", TestPostgres.SUPERUSER);
    properties.put("flowviz.pg.passfile", pgpass.toString());
    properties.put("flowviz.storage.backend", "s3");
    properties.put("flowviz.storage.endpoint", proxy.endpoint());
    properties.put("flowviz.storage.region", TestMoto.REGION);
    properties.put("flowviz.storage.part-size-mib", 5);
    properties.put("flowviz.gpg.public-key-file", publicKey.toString());
    properties.put("flowviz.worker.work-directory", workDirectory.toString());
    properties.put("flowviz.worker.host-name", "test-host");
    properties.put("flowviz.provision.kind", "local");
    properties.put("flowviz.provision.local-root", instances.toString());
    properties.put("flowviz.application.env-file", applicationEnvFile.toString());
    properties.put(
        "flowviz.application.compose-override",
        dir.resolve("app/docker-compose.override.yml").toString());
    properties.put(
        "flowviz.failover.terraform-configuration", terraform.resolve("dr-stack").toString());
    properties.put("flowviz.failover.terraform-variables", List.of("state_dir=" + stacks));
    properties.put(
        "flowviz.failover.change-batch-directory",
        com.flowviz.dr.activities.testing.TerraformConfigurations.changeBatchesTo(
                dir.resolve("dns"))
            .toString());
    // The failover tests' health servers listen on loopback without TLS; production allows https
    // only.
    properties.put(
        "flowviz.failover.health-hosts",
        List.of("api.flowviz.com", "127.0.0.1")); // the default and the tests' loopback
    properties.put("flowviz.failover.health-http-hosts", List.of("127.0.0.1"));
    properties.put(
        "micronaut.server.port", -1); // health and metrics on a free port, started on demand
    properties.put("flowviz.verification.newest-lot-margin", SAMPLE_NEWEST_LOT_MARGIN);
    properties.putAll(extraProperties);
    worker =
        ApplicationContext.builder()
            .mainClass(WorkerApplication.class)
            .properties(properties)
            .start();

    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
    client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.close();
                  temporal.close();
                  proxy.close();
                  gpg.close();
                }));
  }

  public static synchronized WorkerTestStack get() {
    if (instance == null) {
      try {
        instance = new WorkerTestStack(Map.of());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  /**
   * Another stack (its own Temporal server and worker), on the same PostgreSQL, moto and backup
   * key, configured further.
   */
  public static WorkerTestStack withSettings(Map<String, Object> extraProperties) {
    try {
      return new WorkerTestStack(extraProperties);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void putSecret(String id, String value) {
    try {
      secrets.createSecret(b -> b.name(id).secretString(value));
    } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException e) {
      secrets.putSecretValue(b -> b.secretId(id).secretString(value));
    }
  }

  /**
   * Points the application back at the shared cluster, as an operator does before removing the
   * instance a recovery moved it to: teardown refuses the instance the application uses.
   */
  public void repointApplicationAway() throws IOException {
    if (Files.exists(applicationEnvFile)) {
      Files.writeString(
          applicationEnvFile,
          "DB_HOST=127.0.0.1\nDB_PORT=" + TestPostgres.settings().port() + "\n");
    }
  }

  /** Files left in the work directory (there should be none once a restore has ended). */
  public long workFiles() throws IOException {
    if (!Files.exists(workDirectory)) {
      return 0;
    }
    try (var files = Files.walk(workDirectory)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  /**
   * The port of the worker's health and Prometheus endpoints (the HTTP server starts on first use).
   */
  public synchronized int httpPort() {
    io.micronaut.runtime.server.EmbeddedServer server =
        worker.getBean(io.micronaut.runtime.server.EmbeddedServer.class);
    if (!server.isRunning()) {
      server.start();
    }
    return server.getPort();
  }
}
