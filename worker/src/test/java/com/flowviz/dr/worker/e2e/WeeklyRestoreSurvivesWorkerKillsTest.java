package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.S3FaultProxy;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.worker.dev.LoopbackTemporalServer;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflow;
import com.flowviz.dr.workflows.archive.WeeklyRestoreProgress;
import com.flowviz.dr.workflows.archive.WeeklyRestoreRequest;
import com.flowviz.dr.workflows.archive.WeeklyRestoreResult;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.common.StepRecord;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runbook 4.2 with the worker as a process of its own, killed with SIGKILL while it waits for a
 * Deep Archive retrieval and again in the middle of the download. New worker processes take over;
 * the restore ends verified, with one retrieval request, one restored database and no plaintext
 * left on disk.
 */
class WeeklyRestoreSurvivesWorkerKillsTest {

  @TempDir Path dir;

  @Test
  void aWeeklyRestoreCompletesAcrossTwoWorkerKills() throws Exception {
    WorkerTestStack keys = WorkerTestStack.get(); // the backup key pair in Secrets Manager
    String source = TestPostgres.newSampleDatabase("flowviz", 8000);
    Map<String, String> original = TestPostgres.fingerprint(source);
    try (LoopbackTemporalServer temporal = LoopbackTemporalServer.start(0);
        S3FaultProxy proxy = S3FaultProxy.in(TestMoto.endpoint())) {
      S3Client s3 = com.flowviz.dr.activities.aws.AwsClients.s3(TestMoto.REGION, proxy.endpoint());
      String bucket = TestMoto.newBucket(s3, "flowviz-backups");
      Path work = dir.resolve("work");
      Map<String, Object> properties = workerProperties(temporal, proxy, work, keys);
      Map<String, String> environment = Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing", "AWS_REGION", TestMoto.REGION);
      WorkflowClient client = client(temporal);

      WorkerProcess worker = WorkerProcess.start(properties, environment, dir.resolve("logs"));
      try {
        BackupResult backup =
            client.newWorkflowStub(BackupWorkflow.class, options("weekly-backup"))
                .backup(new BackupRequest(source, bucket, "schedule", null, "weekly", null));
        assertEquals("DEEP_ARCHIVE", s3.headObject(b -> b.bucket(bucket).key(backup.key())).storageClassAsString());
        proxy.holdRetrieval(bucket, backup.key());

        WorkflowStub restore = client.newUntypedWorkflowStub("RestoreFromWeeklyBackup", options("weekly-restore"));
        restore.start(new WeeklyRestoreRequest(backup.key(), null, null, bucket, "Standard", 7, null, null, source, "carol", "HACCP audit", "PT2S", null));
        RestoreFromWeeklyBackupWorkflow typed = client.newWorkflowStub(RestoreFromWeeklyBackupWorkflow.class, restore.getExecution().getWorkflowId());
        await("the restore waits for the retrieval", Duration.ofSeconds(60), () -> "wait-for-retrieval".equals(currentStep(typed)));

        worker.kill(); // 1: during the wait
        long looksBefore = looks(proxy, bucket, backup.key());
        worker = WorkerProcess.start(properties, environment, dir.resolve("logs"));
        // The server goes on retrying the polling activity; the new worker is the one that looks now.
        await("the new worker looks at the retrieval", Duration.ofSeconds(60), () -> looks(proxy, bucket, backup.key()) >= looksBefore + 2);

        proxy.throttleDownloads(1024 * 1024);
        proxy.completeRetrieval(bucket, backup.key());
        await("the download is under way", Duration.ofSeconds(90), () -> partialDownload(work) > 1024 * 1024);

        worker.kill(); // 2: during the download
        proxy.throttleDownloads(0);
        worker = WorkerProcess.start(properties, environment, dir.resolve("logs"));

        WeeklyRestoreResult result = restore.getResult(4, TimeUnit.MINUTES, WeeklyRestoreResult.class);

        assertTrue(result.restore().verification().passed());
        String target = source + "_audit_" + backup.key().replaceAll(".*_weekly_(\\d{8}).*", "$1");
        assertEquals(target, result.targetDatabase());
        assertEquals(original, TestPostgres.fingerprint(target), "the audit database holds the weekly backup row for row");
        assertEquals(1, proxy.restoreObjectRequests(bucket, backup.key()), "one retrieval request across all workers");
        assertEquals(List.of(target), TestPostgres.databasesLike(source + "\\_%"), "one database created, no staging left");
        StepRecord download = result.restore().steps().stream().filter(s -> s.step().equals("download-backup")).findFirst().orElseThrow();
        assertTrue(download.detail().contains("resumed at"), "the download resumed after the kill: " + download.detail());
        assertEquals(0, files(work), "no backup file, encrypted or plain, is left on disk");
      } catch (AssertionError | RuntimeException e) {
        System.out.println("Worker log:\n" + worker.log());
        throw e;
      } finally {
        worker.close();
      }
    }
  }

  private static Map<String, Object> workerProperties(LoopbackTemporalServer temporal, S3FaultProxy proxy, Path work, WorkerTestStack keys)
      throws Exception {
    Path pgpass = Files.createTempFile("pgpass", "");
    Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(pgpass, "127.0.0.1:" + TestPostgres.settings().port() + ":*:" + TestPostgres.SUPERUSER + ":" + TestPostgres.password() + "\n");
    Map<String, Object> properties = new HashMap<>();
    properties.put("flowviz.temporal.address", temporal.address());
    properties.put("flowviz.pg.host", "127.0.0.1");
    properties.put("flowviz.pg.port", TestPostgres.settings().port());
    properties.put("flowviz.pg.user", TestPostgres.SUPERUSER);
    properties.put("flowviz.pg.passfile", pgpass);
    properties.put("flowviz.storage.endpoint", proxy.endpoint());
    properties.put("flowviz.storage.region", TestMoto.REGION);
    properties.put("flowviz.storage.part-size-mib", 5);
    properties.put("flowviz.gpg.public-key-file", keys.publicKey);
    properties.put("flowviz.worker.work-directory", work);
    properties.put("flowviz.worker.host-name", "restarting-host");
    properties.put("flowviz.worker.heartbeat-interval", "1s");
    properties.put("flowviz.worker.sticky-execution", false);
    return properties;
  }

  private static WorkflowClient client(LoopbackTemporalServer temporal) {
    return WorkflowClient.newInstance(
        WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build()),
        WorkflowClientOptions.newBuilder().setNamespace("default").build());
  }

  private static WorkflowOptions options(String id) {
    return WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id + "-" + System.nanoTime()).build();
  }

  private static String currentStep(RestoreFromWeeklyBackupWorkflow workflow) {
    try {
      WeeklyRestoreProgress progress = workflow.progress();
      return progress.currentStep();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** HeadObject requests for the backup: each is one look at the retrieval. */
  private static long looks(S3FaultProxy proxy, String bucket, String key) {
    return proxy.requests().stream().filter(r -> r.method().equals("HEAD") && r.bucket().equals(bucket) && r.key().equals(key)).count();
  }

  private static long partialDownload(Path work) {
    if (!Files.exists(work)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(work)) {
      return files.filter(p -> p.getFileName().toString().equals("backup.gpg.part")).mapToLong(p -> p.toFile().length()).sum();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private static long files(Path work) throws java.io.IOException {
    if (!Files.exists(work)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(work)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting until " + what);
      }
      Thread.sleep(200);
    }
  }
}
