package com.flowviz.dr.worker.e2e;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.testing.S3FaultProxy;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.worker.dev.LoopbackTemporalServer;
import com.flowviz.dr.workflows.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * For tests that kill the worker: a Temporal dev server and an S3 proxy of their own (so the
 * in-process test worker never takes their tasks), and worker processes started on demand.
 */
final class SeparateWorkerStack implements AutoCloseable {

  final LoopbackTemporalServer temporal = LoopbackTemporalServer.start(0);
  final S3FaultProxy proxy = S3FaultProxy.in(TestMoto.endpoint());
  final S3Client s3 = AwsClients.s3(TestMoto.REGION, proxy.endpoint());
  final WorkflowClient client =
      WorkflowClient.newInstance(
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build()),
          WorkflowClientOptions.newBuilder().setNamespace("default").build());
  final Path work;
  final Path instances;
  final Path terraform;
  final Path stacks;
  private final Path logs;
  private final Map<String, Object> properties = new HashMap<>();

  SeparateWorkerStack(Path dir) {
    WorkerTestStack keys = WorkerTestStack.get(); // the backup key pair in Secrets Manager
    work = dir.resolve("work");
    instances = dir.resolve("instances");
    terraform =
        com.flowviz.dr.activities.testing.TerraformConfigurations.copyTo(dir.resolve("terraform"));
    stacks = dir.resolve("stacks");
    logs = dir.resolve("logs");
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path pgpass =
          Files.createFile(
              dir.resolve("pgpass"),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          pgpass,
          "127.0.0.1:"
              + TestPostgres.settings().port()
              + ":*:"
              + TestPostgres.SUPERUSER
              + ":"
              + TestPostgres.password()
              + "\n");
      properties.put("flowviz.pg.passfile", pgpass);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    properties.put("flowviz.temporal.address", temporal.address());
    properties.put("micronaut.server.port", -1);
    properties.put(
        "flowviz.verification.newest-lot-margin", WorkerTestStack.SAMPLE_NEWEST_LOT_MARGIN);
    properties.put("flowviz.pg.host", "127.0.0.1");
    properties.put("flowviz.pg.port", TestPostgres.settings().port());
    properties.put("flowviz.pg.user", TestPostgres.SUPERUSER);
    properties.put("flowviz.storage.endpoint", proxy.endpoint());
    properties.put("flowviz.storage.region", TestMoto.REGION);
    properties.put("flowviz.storage.part-size-mib", 5);
    properties.put("flowviz.gpg.public-key-file", keys.publicKey);
    properties.put("flowviz.worker.work-directory", work);
    properties.put("flowviz.worker.host-name", "restarting-host");
    properties.put("flowviz.worker.heartbeat-interval", "1s");
    properties.put("flowviz.worker.sticky-execution", false);
    properties.put("flowviz.provision.kind", "local");
    properties.put("flowviz.provision.local-root", instances);
    properties.put("flowviz.failover.terraform-configuration", terraform.resolve("dr-stack"));
    properties.put("flowviz.failover.terraform-variables", "state_dir=" + stacks);
    // The failover's health URL is the test's own loopback server, over http (an input's URL must
    // otherwise be https on an allowed host).
    properties.put("flowviz.failover.health-hosts", "api.flowviz.com,127.0.0.1");
    properties.put("flowviz.failover.health-http-hosts", "127.0.0.1");
    properties.put(
        "flowviz.failover.change-batch-directory",
        com.flowviz.dr.activities.testing.TerraformConfigurations.changeBatchesTo(
            dir.resolve("dns")));
  }

  /** A worker configuration key for the workers started from now on. */
  void property(String key, Object value) {
    properties.put(key, value);
  }

  WorkerProcess startWorker() {
    return WorkerProcess.start(
        properties,
        Map.of(
            "AWS_ACCESS_KEY_ID",
            "testing",
            "AWS_SECRET_ACCESS_KEY",
            "testing",
            "AWS_REGION",
            TestMoto.REGION),
        logs);
  }

  static WorkflowOptions options(String id) {
    return WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build();
  }

  /** Bytes of a download in progress in the work directory. */
  long partialDownload() {
    return sizeOf(work, "backup.gpg.part");
  }

  /** Every regular file left in the work directory. */
  long workFiles() {
    if (!Files.exists(work)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(work)) {
      return files.filter(Files::isRegularFile).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  private static long sizeOf(Path root, String name) {
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> p.getFileName().toString().equals(name))
          .mapToLong(p -> p.toFile().length())
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    proxy.close();
    temporal.close();
  }
}
