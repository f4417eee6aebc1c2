package com.flowviz.dr.worker.e2e;

import static com.flowviz.dr.worker.e2e.SeparateWorkerStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.common.Names;
import com.flowviz.dr.workflows.newinstance.NewInstanceRequest;
import com.flowviz.dr.workflows.newinstance.NewInstanceResult;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceRequest;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceWorkflow;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runbook 4.3 with the worker killed (SIGKILL) while it provisions the new instance and again while
 * the child 4.1 restore downloads: the retries find the instance already made, and exactly one
 * instance exists at the end.
 */
class NewInstanceSurvivesWorkerKillsTest {

  @TempDir Path dir;

  @Test
  void exactlyOneInstanceExistsAfterKillsDuringProvisioningAndDuringTheRestore() throws Exception {
    String source = TestPostgres.newSampleDatabase("flowviz", 8000);
    try (SeparateWorkerStack stack = new SeparateWorkerStack(dir)) {
      String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
      WorkerProcess worker = stack.startWorker();
      try {
        stack
            .client
            .newWorkflowStub(
                BackupWorkflow.class, SeparateWorkerStack.options("backup-" + System.nanoTime()))
            .backup(
                BackupRequest.builder()
                    .sourceDatabase(source)
                    .bucket(bucket)
                    .operator("schedule")
                    .build());
        String id = "restore-new-instance-" + System.nanoTime();
        String instance = "flowviz-db-" + Names.shortHash(id);
        WorkflowStub restore =
            stack.client.newUntypedWorkflowStub(
                "RestoreToNewInstance", SeparateWorkerStack.options(id));
        stack.proxy.throttleDownloads(1024 * 1024);
        restore.start(
            NewInstanceRequest.builder()
                .bucket(bucket)
                .databaseName("flowviz")
                .operator("dave")
                .reason("instance lost")
                .sourceDatabase(source)
                .build());

        await(
            "provisioning has begun",
            Duration.ofSeconds(60),
            () -> Files.exists(stack.instances.resolve(instance)));
        worker.kill(); // 1: during provisioning
        worker = stack.startWorker();

        await(
            "the child restore downloads",
            Duration.ofSeconds(120),
            () -> stack.partialDownload() > 1024 * 1024);
        worker.kill(); // 2: during the child restore
        stack.proxy.throttleDownloads(0);
        worker = stack.startWorker();

        NewInstanceResult result = restore.getResult(5, TimeUnit.MINUTES, NewInstanceResult.class);

        assertTrue(result.restore().verification().passed());
        assertEquals(instance, result.instance().name());
        assertEquals(
            List.of(instance), instanceDirectories(stack.instances), "one instance directory");
        assertEquals(1, postmastersUnder(stack.instances), "one running server");
        assertEquals(0, stack.workFiles(), "no backup file is left on disk");

        assertTrue(
            stack
                .client
                .newWorkflowStub(
                    TeardownInstanceWorkflow.class,
                    SeparateWorkerStack.options("teardown-" + System.nanoTime()))
                .teardown(
                    TeardownInstanceRequest.builder()
                        .instanceName(instance)
                        .operator("test")
                        .reason("done")
                        .build()));
        assertEquals(0, postmastersUnder(stack.instances));
      } catch (AssertionError | RuntimeException e) {
        System.out.println("Worker log:\n" + worker.log());
        throw e;
      } finally {
        worker.close();
      }
    }
  }

  private static List<String> instanceDirectories(Path root) throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** postgres server processes whose data directory lies under the root. */
  private static long postmastersUnder(Path root) throws IOException {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      return processes
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(
              p -> {
                try {
                  String[] args =
                      new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                          .split("\0");
                  return args.length > 2
                      && args[0].endsWith("/postgres")
                      && String.join(" ", args).contains(root.toString());
                } catch (IOException e) {
                  return false;
                }
              })
          .count();
    }
  }
}
