package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The GPG key, its passphrase and the database password stay inside the activities that use
 * them: not in Temporal history (inputs, results, heartbeats, failures), not in log lines, not in
 * the argument lists of the processes the worker starts.
 */
class SecretsStayOutOfSightTest {

  private final WorkerTestStack stack = WorkerTestStack.get();

  @Test
  void noSecretAppearsInHistoryLogsOrProcessArguments() throws Exception {
    String live = TestPostgres.newSampleDatabase("flowviz", 200);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    List<String> secrets = secrets();

    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    Set<String> commandLines = ConcurrentHashMap.newKeySet();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher = new Thread(() -> {
      while (watching.get()) {
        commandLines.addAll(currentCommandLines());
      }
    });
    watcher.start();
    String restoreId = "restore-secrets-" + live;
    try {
      Restores.backup(live, bucket);
      RestoreResult result =
          stack.client.newWorkflowStub(
                  com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow.class,
                  io.temporal.client.WorkflowOptions.newBuilder()
                      .setTaskQueue(com.flowviz.dr.workflows.TaskQueues.DR)
                      .setWorkflowId(restoreId)
                      .build())
              .restore(Restores.latest(bucket, live));
      assertEquals(RestoreResult.RESTORED, result.outcome());
    } finally {
      watching.set(false);
      watcher.join();
      root.detachAppender(logs);
    }

    assertTrue(commandLines.stream().anyMatch(c -> c.contains("pg_restore")), "the watcher saw pg_restore run");
    assertTrue(commandLines.stream().anyMatch(c -> c.contains("pg_dump")), "the watcher saw pg_dump run");
    String history = stack.client.fetchHistory(restoreId).toJson(true);
    assertTrue(history.contains("decrypt-backup") || history.contains("DecryptBackup"), "the history is the restore's");
    List<String> logLines = new ArrayList<>();
    logs.list.forEach(e -> logLines.add(e.getFormattedMessage() + " " + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())));
    assertFalse(logLines.isEmpty());
    for (String secret : secrets) {
      String shown = secret.substring(0, 6) + "...";
      assertFalse(history.contains(secret), "history holds " + shown);
      assertTrue(logLines.stream().noneMatch(l -> l.contains(secret)), "a log line holds " + shown);
      assertTrue(commandLines.stream().noneMatch(c -> c.contains(secret)), "a process argument holds " + shown);
    }
  }

  /** The passphrase, the database password, and lines of the armored private key. */
  private List<String> secrets() {
    List<String> secrets = new ArrayList<>(List.of(stack.passphrase, TestPostgres.password()));
    String armored = stack.secrets.getSecretValue(b -> b.secretId(WorkerTestStack.KEY_SECRET)).secretString();
    armored.lines().filter(l -> l.length() >= 60 && !l.startsWith("-----")).limit(5).forEach(secrets::add);
    assertEquals(7, secrets.size());
    return secrets;
  }

  private static List<String> currentCommandLines() {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        try {
          lines.add(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException ignored) {
          // the process ended meanwhile
        }
      });
    } catch (IOException ignored) {
      // /proc is always there on Linux
    }
    return lines;
  }
}
