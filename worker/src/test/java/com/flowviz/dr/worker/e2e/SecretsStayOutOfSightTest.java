package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.compliance.VerifyAuditTrailWorkflow;
import com.flowviz.dr.workflows.drill.DrillHistoryRequest;
import com.flowviz.dr.workflows.drill.DrillRequest;
import com.flowviz.dr.workflows.drill.ListDrillsWorkflow;
import com.flowviz.dr.workflows.drill.RecoveryDrillWorkflow;
import com.flowviz.dr.workflows.freshness.FreshnessMonitorRequest;
import com.flowviz.dr.workflows.freshness.MonitorBackupFreshnessWorkflow;
import com.flowviz.dr.workflows.incident.FollowUpRequest;
import com.flowviz.dr.workflows.incident.IncidentFollowUpWorkflow;
import com.flowviz.dr.workflows.procedures.Procedure;
import com.flowviz.dr.workflows.procedures.Procedures;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreResult;
import com.google.protobuf.ByteString;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The GPG key, its passphrase and the database password stay inside the activities that use them:
 * not in Temporal history (inputs, results, heartbeats, failures), not in log lines, not in the
 * argument lists of the processes the worker starts.
 */
@Order(Integer.MAX_VALUE) // last: the whole-run check reads what every other test left behind
class SecretsStayOutOfSightTest {

  /**
   * Every workflow type the worker hosts: the e2e suite runs each on a dev server, but for the
   * audit forwarder, which starts only when a recovery cannot reach the audit database
   * (AuditCopyForwardingTest forwards entries without Temporal).
   */
  private static final Set<String> WORKFLOW_TYPES =
      Procedures.ALL.stream()
          .filter(procedure -> procedure != Procedures.FORWARD_AUDIT_ENTRIES)
          .map(Procedure::typeName)
          .collect(Collectors.toSet());

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
    Thread watcher =
        new Thread(
            () -> {
              while (watching.get()) {
                commandLines.addAll(currentCommandLines());
              }
            });
    watcher.start();
    String restoreId = "restore-secrets-" + live;
    try {
      Restores.backup(live, bucket);
      RestoreResult result =
          stack
              .client
              .newWorkflowStub(
                  RestoreFromBackupWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue(TaskQueues.DR)
                      .setWorkflowId(restoreId)
                      .build())
              .restore(Restores.latest(bucket, live));
      assertEquals(RestoreResult.RESTORED, result.outcome());
    } finally {
      watching.set(false);
      watcher.join();
      root.detachAppender(logs);
    }

    assertTrue(
        commandLines.stream().anyMatch(c -> c.contains("pg_restore")),
        "the watcher saw pg_restore run");
    assertTrue(
        commandLines.stream().anyMatch(c -> c.contains("pg_dump")), "the watcher saw pg_dump run");
    String history = stack.client.fetchHistory(restoreId).toJson(true);
    assertTrue(
        history.contains("decrypt-backup") || history.contains("DecryptBackup"),
        "the history is the restore's");
    List<String> logLines = new ArrayList<>();
    logs.list.forEach(
        e ->
            logLines.add(
                e.getFormattedMessage()
                    + " "
                    + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())));
    assertFalse(logLines.isEmpty());
    for (String secret : secrets) {
      String shown = secret.substring(0, 6) + "...";
      assertFalse(history.contains(secret), "history holds " + shown);
      assertTrue(logLines.stream().noneMatch(l -> l.contains(secret)), "a log line holds " + shown);
      assertTrue(
          commandLines.stream().noneMatch(c -> c.contains(secret)),
          "a process argument holds " + shown);
    }
  }

  @Test
  void noSecretAppearsInAnyHistoryOrLogLineOfTheWholeRun() throws Exception {
    runTheTypesNoOtherTestStarts();
    List<String> secrets = new ArrayList<>(secrets());
    secrets.add(System.getProperty("aws.secretAccessKey"));
    secrets.addAll(secretsManagerPasswords());
    secrets.addAll(AutomatedTriggersTest.credentials());

    Set<String> typesSeen = new TreeSet<>();
    int histories = 0;
    // The shared dev server, and the servers of the stacks with settings of their own (incidents,
    // triggers, drills, metrics): every history any of them holds.
    for (WorkerTestStack server : WorkerTestStack.all()) {
      for (WorkflowExecutionInfo execution : allExecutions(server)) {
        // On any stack: a procedure that needs settings of its own (RestoreToPointInTime: trusted
        // signers) runs on a stack of its own, and its histories are checked here all the same.
        typesSeen.add(execution.getType().getName());
        String history =
            server
                .client
                .fetchHistory(
                    execution.getExecution().getWorkflowId(), execution.getExecution().getRunId())
                .toJson(true);
        histories++;
        for (String secret : secrets) {
          assertFalse(
              history.contains(secret),
              execution.getType().getName()
                  + " "
                  + execution.getExecution().getWorkflowId()
                  + " holds "
                  + secret.substring(0, 6)
                  + "...");
        }
      }
    }
    assertTrue(
        typesSeen.containsAll(WORKFLOW_TYPES),
        "workflow types the suite never ran: "
            + WORKFLOW_TYPES.stream().filter(t -> !typesSeen.contains(t)).sorted().toList());

    Path all = Path.of("target", "e2e-logs", "all.log");
    assertTrue(Files.size(all) > 0, "the run's log file has content");
    long lines = 0;
    try (Stream<String> log = Files.lines(all, StandardCharsets.UTF_8)) {
      for (String line : (Iterable<String>) log::iterator) {
        lines++;
        for (String secret : secrets) {
          assertFalse(line.contains(secret), "a log line holds " + secret.substring(0, 6) + "...");
        }
      }
    }
    Set<String> commandLines = ProcessWatcher.seen();
    for (String program : List.of("pg_dump", "pg_restore", "gpg", "terraform")) {
      assertTrue(
          commandLines.stream().anyMatch(c -> c.contains(program)),
          "the watcher saw " + program + " run");
    }
    for (String line : commandLines) {
      for (String secret : secrets) {
        assertFalse(
            line.contains(secret), "a process argument holds " + secret.substring(0, 6) + "...");
      }
    }
    System.out.printf(
        "Checked %d secrets against %d histories of %d workflow types, %d log lines and %d process"
            + " command lines%n",
        secrets.size(), histories, typesSeen.size(), lines, commandLines.size());
  }

  /**
   * The audit-chain check and the follow-up deadlines are tested elsewhere on their own Temporal
   * (the follow-up under time skipping); here they run on the shared server so their histories are
   * read too. The follow-up waits for days, so it is ended after its first steps.
   */
  private void runTheTypesNoOtherTestStarts() throws InterruptedException {
    stack
        .client
        .newWorkflowStub(VerifyAuditTrailWorkflow.class, Restores.options("verify-audit-secrets"))
        .verify();
    String followUpId = "follow-up-secrets-" + System.nanoTime();
    var followUp =
        stack.client.newWorkflowStub(
            IncidentFollowUpWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId(followUpId)
                .build());
    WorkflowClient.start(
        followUp::followUp,
        new FollowUpRequest(
            "incident-secrets",
            "2.1 database-corruption",
            "alice",
            Instant.now(),
            "none",
            "backup 1 h before",
            null,
            null,
            null));
    SeparateWorkerStack.await(
        "the follow-up has run its first steps",
        Duration.ofSeconds(60),
        () ->
            stack.client.fetchHistory(followUpId).getHistory().getEventsList().stream()
                .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED));
    WorkflowStub.fromTyped(followUp).terminate("secrets test: its history has been made");

    // A drill makes a scratch instance with a password of its own; the monitor reads the bucket.
    String live = TestPostgres.newSampleDatabase("drill_secrets", 50);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Restores.backup(live, bucket);
    stack
        .client
        .newWorkflowStub(RecoveryDrillWorkflow.class, Restores.options("drill-secrets"))
        .drill(
            DrillRequest.builder()
                .bucket(bucket)
                .operator("secrets-test")
                .sourceDatabase(live)
                .build());
    stack
        .client
        .newWorkflowStub(ListDrillsWorkflow.class, Restores.options("list-drills-secrets"))
        .list(DrillHistoryRequest.builder().limit(5).build());
    String monitorId = "freshness-secrets-" + System.nanoTime();
    var monitor =
        stack.client.newWorkflowStub(
            MonitorBackupFreshnessWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId(monitorId)
                .build());
    WorkflowClient.start(
        monitor::monitor,
        FreshnessMonitorRequest.builder()
            .locations(List.of(bucket + "/daily/"))
            .checkInterval("PT1M")
            .operator("secrets-test")
            .build());
    SeparateWorkerStack.await(
        "the monitor has looked at the bucket",
        Duration.ofSeconds(60),
        () -> monitor.status().get(0).checkedAt() != null);
    assertEquals("OK", monitor.status().get(0).level(), "a backup made a minute ago is fresh");
    WorkflowStub.fromTyped(monitor).terminate("secrets test: its history has been made");
  }

  private static List<WorkflowExecutionInfo> allExecutions(WorkerTestStack server) {
    var service = server.client.getWorkflowServiceStubs().blockingStub();
    List<WorkflowExecutionInfo> executions = new ArrayList<>();
    ByteString page = ByteString.EMPTY;
    do {
      var closed =
          service.listClosedWorkflowExecutions(
              ListClosedWorkflowExecutionsRequest.newBuilder()
                  .setNamespace("default")
                  .setMaximumPageSize(1000)
                  .setNextPageToken(page)
                  .build());
      executions.addAll(closed.getExecutionsList());
      page = closed.getNextPageToken();
    } while (!page.isEmpty());
    do {
      var open =
          service.listOpenWorkflowExecutions(
              ListOpenWorkflowExecutionsRequest.newBuilder()
                  .setNamespace("default")
                  .setMaximumPageSize(1000)
                  .setNextPageToken(page)
                  .build());
      executions.addAll(open.getExecutionsList());
      page = open.getNextPageToken();
    } while (!page.isEmpty());
    return executions;
  }

  /**
   * Every password field of every JSON secret in Secrets Manager: database, application, rotated.
   */
  private List<String> secretsManagerPasswords() throws IOException {
    List<String> passwords = new ArrayList<>();
    var mapper = new ObjectMapper();
    for (var entry :
        stack.secrets.listSecretsPaginator(b -> {}).stream()
            .flatMap(r -> r.secretList().stream())
            .toList()) {
      String value = stack.secrets.getSecretValue(b -> b.secretId(entry.arn())).secretString();
      if (value != null && value.startsWith("{")) {
        var password = mapper.readTree(value).get("password");
        if (password != null && password.asText().length() >= 8) {
          passwords.add(password.asText());
        }
      }
    }
    return passwords;
  }

  /** The passphrase, the database password, and lines of the armored private key. */
  private List<String> secrets() {
    List<String> secrets = new ArrayList<>(List.of(stack.passphrase, TestPostgres.password()));
    String armored =
        stack.secrets.getSecretValue(b -> b.secretId(WorkerTestStack.KEY_SECRET)).secretString();
    armored
        .lines()
        .filter(l -> l.length() >= 60 && !l.startsWith("-----"))
        .limit(5)
        .forEach(secrets::add);
    assertEquals(7, secrets.size());
    return secrets;
  }

  private static List<String> currentCommandLines() {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      processes
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                try {
                  lines.add(
                      new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                          .replace('\0', ' '));
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
