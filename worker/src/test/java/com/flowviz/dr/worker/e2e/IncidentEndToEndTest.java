package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.incident.StoredReport;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.postgres.TableGap;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.compliance.FetchIncidentReportWorkflow;
import com.flowviz.dr.workflows.incident.FollowUpTask;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflow;
import com.flowviz.dr.workflows.incident.IncidentFollowUpWorkflow;
import com.flowviz.dr.workflows.incident.IncidentProgress;
import com.flowviz.dr.workflows.incident.IncidentRequest;
import com.flowviz.dr.workflows.incident.IncidentResult;
import com.flowviz.dr.workflows.incident.RecoveryChoice;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceRequest;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The incident workflow end to end on real components: the worker with its own Temporal dev server,
 * PostgreSQL, moto for S3, SNS and Secrets Manager, gpg, and loopback HTTP servers for the webhooks
 * and the application. Each scenario runs the procedure the runbook prescribes.
 */
class IncidentEndToEndTest {

  private static final String LOT = "md5('lot-17')::uuid";
  private final IncidentTestStack incidents = IncidentTestStack.get();
  private final WorkerTestStack stack = incidents.worker;
  private final WorkflowClient client = stack.client;

  private BackupResult backup(String database, String bucket) {
    return client
        .newWorkflowStub(BackupWorkflow.class, options("backup-" + database))
        .backup(
            BackupRequest.builder()
                .sourceDatabase(database)
                .bucket(bucket)
                .operator("test-operator")
                .reason("before the incident")
                .build());
  }

  /**
   * A sample database as production has it: the application's role reads and writes its tables and
   * owns none, so 6.1 (as that role) passes only when a restore kept the grants.
   */
  private String applicationDatabase(String prefix, int lots) {
    String database = TestPostgres.newSampleDatabase(prefix, lots);
    TestPostgres.execute(
        database,
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "
            + incidents.appRole);
    return database;
  }

  private static WorkflowOptions options(String id) {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.DR)
        .setWorkflowId(id + "-" + UUID.randomUUID().toString().substring(0, 8))
        .build();
  }

  private HandleIncidentWorkflow incident(String id) {
    return client.newWorkflowStub(
        HandleIncidentWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
  }

  private static String newIncidentId(String scenario) {
    return "incident-" + scenario + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private IncidentProgress awaitProgress(String id, Predicate<IncidentProgress> until)
      throws InterruptedException {
    HandleIncidentWorkflow workflow = client.newWorkflowStub(HandleIncidentWorkflow.class, id);
    for (int i = 0; i < 1800; i++) {
      try {
        IncidentProgress progress = workflow.progress();
        if (until.test(progress)) {
          return progress;
        }
      } catch (RuntimeException notYetStarted) {
        // the first workflow task has not run yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the incident " + id + " never reached the expected state");
  }

  private List<AuditEntry> timeline(String incidentId) throws SQLException {
    return new AuditStore(TestPostgres.client(), "flowviz_dr_audit").entriesOfIncident(incidentId);
  }

  private static long count(String database, String sql) {
    return Long.parseLong(TestPostgres.query(database, sql).get(0));
  }

  private void assertNotified(String incidentId, String event) {
    incidents.inbox.await(
        "/generic",
        b -> b.contains("\"" + incidentId + ":" + event + "\""),
        Duration.ofSeconds(30));
    incidents.inbox.await(
        "/sns", b -> b.contains(incidentId + ":" + event), Duration.ofSeconds(30));
    String action = event.equals("resolved") ? "resolve" : "trigger";
    incidents.inbox.await(
        "/pagerduty",
        b ->
            b.contains("\"dedup_key\" : \"" + incidentId + "\"")
                && b.contains("\"event_action\" : \"" + action + "\""),
        Duration.ofSeconds(30));
    incidents.inbox.await(
        "/slack/T0/B0/hook-token", b -> b.contains(incidentId), Duration.ofSeconds(30));
  }

  @Test
  void corruptionRestoresTheBackupTakenBeforeItAndNamesTheLostTransactions() throws Exception {
    String database = applicationDatabase("corrupted", 300);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Map<String, String> atBackup = TestPostgres.fingerprint(database);
    backup(database, bucket);
    Thread.sleep(1100); // the next backup's name differs by its second
    Instant corruptionBegan = Instant.now();
    // Work after the backup, then the corruption; a later backup already holds the damage.
    TestPostgres.execute(
        database,
        "INSERT INTO users (email, full_name, role) VALUES ('late@flowviz.com', 'Late Writer',"
            + " 'operator')",
        "UPDATE lots SET quantity = -1 WHERE status = 'released'");
    backup(database, bucket);
    String id = newIncidentId("2-1");
    // The generic webhook is down for the first two deliveries: the recovery must not wait for it.
    incidents.inbox.failNext("/generic", 2);

    IncidentResult result =
        incident(id)
            .handle(
                IncidentRequest.builder()
                    .scenario("2.1")
                    .damageStartedAt(corruptionBegan.toString())
                    .operator("alice")
                    .notes("lots.quantity negative after a failed migration")
                    .targetDatabase(database)
                    .bucket(bucket)
                    .build());

    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    assertEquals(id + "-restore", result.procedureWorkflowId());
    assertTrue(
        result.backup().takenAt().isBefore(corruptionBegan),
        "the backup taken before the corruption, not the newest: "
            + result.backup()
            + " corruption began "
            + corruptionBegan
            + "; steps "
            + result.steps());
    assertEquals(
        atBackup,
        TestPostgres.fingerprint(database),
        "the live database holds the backup row for row: " + result);
    TableGap users = result.dataGap() == null ? null : null;
    assertEquals(null, users);
    StoredReport report =
        client.newWorkflowStub(FetchIncidentReportWorkflow.class, options("report")).fetch(id);
    assertTrue(
        report
            .markdown()
            .contains("1 rows written after the backup are not in the restored database"),
        report.markdown());
    assertEquals("RECOVERED", report.report().outcome());
    assertTrue(report.report().auditChain().startsWith("intact"), report.report().auditChain());
    List<String> steps =
        report.report().timeline().stream().map(e -> e.workflowId() + ":" + e.step()).toList();
    for (String step :
        List.of(
            id + ":assess-situation",
            id + ":notify-stakeholders",
            id + ":start-incident-log",
            id + ":identify-latest-backup",
            id + ":prepare-target-environment",
            id + ":check-credentials",
            id + "-restore:swap-staging-into-live",
            id + ":recovery-procedure",
            id + ":confirm-services-operational",
            id + ":test-critical-workflows",
            id + ":review-data-gap")) {
      assertTrue(steps.contains(step), step + " in " + steps);
    }
    assertTrue(
        report
            .markdown()
            .matches(
                "(?s).*\\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\| "
                    + id
                    + " \\| assess-situation .*"));

    // The failing webhook was recorded, retried, and delivered after the recovery had finished.
    assertNotified(id, "declared");
    List<AuditEntry> trail = timeline(id);
    Instant procedureDone =
        trail.stream()
            .filter(e -> e.step().equals("recovery-procedure") && e.outcome().equals("SUCCEEDED"))
            .findFirst()
            .orElseThrow()
            .at();
    AuditEntry failed =
        trail.stream()
            .filter(e -> e.step().equals("notification") && e.outcome().equals("FAILED"))
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no failed delivery in "
                            + trail.stream().filter(e -> e.step().equals("notification")).toList()
                            + "; generic webhook got "
                            + incidents.inbox.received("/generic")));
    assertTrue(failed.details().contains("503"), failed.details());
    // The recovery did not wait for it: steps finished between the first failure and the delivery
    // (how many depends on the machine's speed; at least one always does, the retry pauses 5 s then
    // 10 s).
    Instant delivered =
        trail.stream()
            .filter(
                e ->
                    e.step().equals("notification")
                        && e.outcome().equals("SUCCEEDED")
                        && e.details().contains("detected"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("declared never delivered"))
            .at();
    assertTrue(delivered.isAfter(failed.at()));
    assertTrue(
        trail.stream()
            .anyMatch(
                e ->
                    !e.step().equals("notification")
                        && e.outcome().equals("SUCCEEDED")
                        && e.at().isAfter(failed.at())
                        && !e.at().isAfter(delivered)),
        "the incident went on while the declaration was retried");
    assertTrue(
        procedureDone.isAfter(failed.at()),
        "the procedure finished after the first failed delivery");
    assertNotified(id, "resolved");
    List<FollowUpTask> tasks =
        client.newWorkflowStub(IncidentFollowUpWorkflow.class, result.followUpWorkflowId()).tasks();
    assertEquals(8, tasks.size());
  }

  @Test
  void instanceFailureRestoresToANewInstance() throws Exception {
    String database = applicationDatabase("lost", 200);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    backup(database, bucket);
    String id = newIncidentId("2-2");

    IncidentResult result =
        incident(id)
            .handle(
                IncidentRequest.builder()
                    .scenario("instance-failure")
                    .operator("bob")
                    .notes("primary lost its disk")
                    .targetDatabase(database)
                    .bucket(bucket)
                    .build());

    try {
      assertEquals(id + "-new-instance", result.procedureWorkflowId());
      assertEquals(
          IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
      // 6.1 traced a lot on the new instance (lot -> QC decisions -> temperature readings).
      assertTrue(
          result.postRecoveryChecks().stream()
              .anyMatch(c -> c.startsWith("critical workflows") && c.contains(" traced as ")),
          result.postRecoveryChecks().toString());
      assertTrue(
          result.steps().stream()
              .anyMatch(
                  s ->
                      s.step().equals("prepare-target-environment")
                          && s.outcome().equals("SKIPPED")));
    } finally {
      stack.repointApplicationAway(); // the application uses the new instance: teardown refuses it
      // until then
      client
          .newWorkflowStub(TeardownInstanceWorkflow.class, options("teardown"))
          .teardown(
              TeardownInstanceRequest.builder()
                  .instanceName(
                      "flowviz-db-"
                          + com.flowviz.dr.workflows.common.Names.shortHash(id + "-new-instance"))
                  .operator("bob")
                  .reason("test")
                  .build());
    }
  }

  @Test
  void accidentalDeletionShowsTheGapAndTheSurgicalChoicePutsBackExactlyTheDeletedRows()
      throws Exception {
    String database = applicationDatabase("deleted", 300);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    backup(database, bucket);
    String expected = TestPostgres.newDatabaseName("expected");
    TestPostgres.execute("postgres", "CREATE DATABASE " + expected + " TEMPLATE " + database);
    long qcs = count(database, "SELECT count(*) FROM qc_decisions WHERE lot_id = " + LOT);
    long temps = count(database, "SELECT count(*) FROM temperature_logs WHERE lot_id = " + LOT);
    Thread.sleep(1100);
    Instant deletedAt = Instant.now();
    // A cleanup script deleted lot 17 with its records; afterwards the plant kept working.
    for (String db : List.of(database, expected)) {
      TestPostgres.execute(db, "UPDATE lots SET parent_lot_id = NULL WHERE parent_lot_id = " + LOT);
      TestPostgres.execute(
          db,
          "INSERT INTO users (id, email, full_name, role, created_at, updated_at) VALUES"
              + " (md5('new-user')::uuid, 'new@flowviz.com', 'New Hire', 'operator', timestamptz"
              + " '2026-11-29T08:00:00Z', timestamptz '2026-11-29T08:00:00Z')");
    }
    TestPostgres.execute(
        database,
        "DELETE FROM temperature_logs WHERE lot_id = " + LOT,
        "DELETE FROM qc_decisions WHERE lot_id = " + LOT,
        "DELETE FROM lots WHERE id = " + LOT);
    String id = newIncidentId("2-3");
    HandleIncidentWorkflow workflow = incident(id);
    WorkflowClient.start(
        workflow::handle,
        IncidentRequest.builder()
            .scenario("accidental-deletion")
            .damageStartedAt(deletedAt.toString())
            .operator("carol")
            .notes("cleanup script deleted LOT 17")
            .targetDatabase(database)
            .bucket(bucket)
            .build());

    IncidentProgress waiting = awaitProgress(id, p -> p.awaiting() != null && p.dataGap() != null);
    Map<String, TableGap> gap = new java.util.HashMap<>();
    waiting.dataGap().tables().forEach(t -> gap.put(t.table(), t));
    assertEquals(1, gap.get("lots").missingFromLive());
    assertEquals(qcs, gap.get("qc_decisions").missingFromLive());
    assertEquals(temps, gap.get("temperature_logs").missingFromLive());
    assertEquals(1, gap.get("users").newInLive(), "a full restore would lose the new user");
    assertTrue(waiting.awaiting().contains("flowviz-dr choose " + id), waiting.awaiting());
    assertEquals(
        0,
        count(database, "SELECT count(*) FROM lots WHERE id = " + LOT),
        "nothing changes before the choice");

    String answer =
        workflow.chooseRecovery(RecoveryChoice.of("surgical", "carol", "keep today's work"));
    assertTrue(answer.contains("Putting back the " + (1 + qcs + temps) + " deleted rows"), answer);
    IncidentResult result = client.newUntypedWorkflowStub(id).getResult(IncidentResult.class);

    assertEquals(IncidentResult.RECOVERED, result.outcome());
    assertEquals(1 + qcs + temps, result.undelete().total());
    assertEquals(
        TestPostgres.fingerprint(expected),
        TestPostgres.fingerprint(database),
        "the deleted rows are back and the new user stayed");
    assertTrue(
        TestPostgres.databasesLike(database + "_staging_%").isEmpty(),
        "the staging database is gone");
    AuditEntry undelete =
        timeline(id).stream()
            .filter(e -> e.step().equals("surgical-undelete"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        undelete.details().contains("put back " + (1 + qcs + temps) + " deleted rows"),
        undelete.details());
    AuditEntry chosen =
        timeline(id).stream()
            .filter(e -> e.step().equals("await-recovery-choice"))
            .findFirst()
            .orElseThrow();
    assertTrue(chosen.details().startsWith("surgical chosen by carol"), chosen.details());

    // The operator's commands after the incident: its status, its report, its follow-up tasks.
    assertTrue(
        starter(0, "status", id).contains("Undelete:    " + (1 + qcs + temps) + " rows put back"));
    String report = starter(0, "report", id);
    assertTrue(report.startsWith("# Incident report " + id), report);
    assertTrue(
        report.contains("| lots | 1 rows deleted by the incident, 0 rows written since the backup"),
        report);
    assertTrue(
        starter(
                0,
                "acknowledge",
                id,
                "haccp-incident-filing",
                "--by",
                "quinn",
                "--note",
                "filed HACCP-17")
            .contains("remaining: incident-report"));
    assertTrue(
        starter(0, "tasks", id).matches("(?s).*haccp-incident-filing\\s+7d\\s+done by quinn.*"));
    assertTrue(
        starter(1, "acknowledge", id, "coffee", "--by", "quinn").isEmpty(),
        "an unknown task is refused");
  }

  private String starter(int expectedExit, String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    String[] all =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--address", stack.temporal.address()))
            .toArray(String[]::new);
    int exit =
        com.flowviz.dr.starter.StarterCommand.run(
            new java.io.PrintWriter(out), new java.io.PrintWriter(err), all);
    assertEquals(expectedExit, exit, String.join(" ", args) + ": " + out + err);
    return out.toString();
  }

  @Test
  void accidentalDeletionWithTheFullRestoreChoiceSwapsTheBackupInAndKeepsTheOldDatabase()
      throws Exception {
    String database = applicationDatabase("deleted", 200);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Map<String, String> atBackup = TestPostgres.fingerprint(database);
    backup(database, bucket);
    Thread.sleep(1100);
    Instant deletedAt = Instant.now();
    TestPostgres.execute(database, "TRUNCATE temperature_logs");
    String id = newIncidentId("2-3");
    WorkflowClient.start(
        incident(id)::handle,
        IncidentRequest.builder()
            .scenario("2.3")
            .damageStartedAt(deletedAt.toString())
            .operator("dave")
            .notes("temperature_logs truncated")
            .targetDatabase(database)
            .bucket(bucket)
            .build());
    awaitProgress(id, p -> p.awaiting() != null);

    // The operator answers from the command line.
    java.io.StringWriter out = new java.io.StringWriter();
    assertEquals(
        0,
        com.flowviz.dr.starter.StarterCommand.run(
            new java.io.PrintWriter(out),
            new java.io.PrintWriter(new java.io.StringWriter()),
            "choose",
            id,
            "full-restore",
            "--by",
            "dave",
            "--address",
            stack.temporal.address()),
        out.toString());
    IncidentResult result = client.newUntypedWorkflowStub(id).getResult(IncidentResult.class);

    assertEquals(RecoveryChoice.FULL_RESTORE, result.choice().choice());
    assertEquals(atBackup, TestPostgres.fingerprint(database));
    assertEquals(
        1,
        TestPostgres.databasesLike(database + "_replaced_%").size(),
        "the truncated database is kept for forensics");
  }

  @Test
  void aBreachRestoresTheSignedIsolatedBackupAndRotatesEveryCredentialOutOfSight()
      throws Exception {
    String database = incidents.appDatabase;
    Map<String, String> atBackup = TestPostgres.fingerprint(database);
    BackupResult backup = backup(database, incidents.isolatedBucket);
    sign(backup.key());
    Thread.sleep(1100);
    Instant breachedAt = Instant.now();
    TestPostgres.execute(database, "UPDATE lots SET lot_code = 'ENCRYPTED-' || md5(lot_code)");
    String oldPassword =
        Json.MAPPER
            .readTree(
                stack
                    .secrets
                    .getSecretValue(
                        b -> b.secretId(IncidentTestStack.APP_SECRET).versionStage("AWSCURRENT"))
                    .secretString())
            .get("password")
            .asText();
    int restartsBefore = incidents.application.restarts.get();
    String id = newIncidentId("2-4");

    IncidentResult result =
        incident(id)
            .handle(
                IncidentRequest.builder()
                    .scenario("ransomware")
                    .damageStartedAt(breachedAt.toString())
                    .operator("erin")
                    .notes("files encrypted on the API hosts")
                    .targetDatabase(database)
                    .build());

    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    assertEquals(
        incidents.isolatedBucket,
        result.backup().bucket(),
        "only the isolated location is trusted after a breach");
    assertEquals(atBackup, TestPostgres.fingerprint(database));
    assertTrue(result.steps().stream().noneMatch(s -> s.outcome().equals("FAILED")));
    assertEquals(List.of(incidents.appRole), result.rotation().roles());
    JsonNode secret =
        Json.MAPPER.readTree(
            stack
                .secrets
                .getSecretValue(
                    b -> b.secretId(IncidentTestStack.APP_SECRET).versionStage("AWSCURRENT"))
                .secretString());
    String newPassword = secret.get("password").asText();
    SQLException rejected =
        assertThrows(
            SQLException.class, () -> connect(incidents.appRole, oldPassword, database).close());
    assertEquals("28P01", rejected.getSQLState());
    try (Connection c = connect(incidents.appRole, newPassword, database)) {
      assertTrue(c.isValid(2));
    }
    assertTrue(
        incidents.application.restarts.get() > restartsBefore, "the application was restarted");
    assertTrue(
        incidents.application.databaseWorks(), "the application works with the new credentials");
    String restoreSteps =
        client
            .newUntypedWorkflowStub(id + "-restore")
            .getResult(com.flowviz.dr.workflows.restore.RestoreResult.class)
            .steps()
            .toString();
    assertTrue(restoreSteps.contains("signed by key"), restoreSteps);

    String sessionKey =
        stack
            .secrets
            .getSecretValue(
                b -> b.secretId(IncidentTestStack.SESSION_SECRET).versionStage("AWSCURRENT"))
            .secretString();
    for (String workflowId : List.of(id, id + "-restore", id + "-follow-up")) {
      String history = client.fetchHistory(workflowId).toJson(false);
      for (String secretValue :
          List.of(
              oldPassword,
              newPassword,
              sessionKey,
              stack.passphrase,
              TestPostgres.password(),
              incidents.pagerDutyRoutingKey,
              "hook-token")) {
        assertFalse(history.contains(secretValue), "a secret is in the history of " + workflowId);
      }
    }
  }

  @Test
  void aBreachRestoreRefusesAnIsolatedBackupThatFailsItsSignatureAndChangesNothing()
      throws Exception {
    String database = applicationDatabase("breached", 100);
    BackupResult backup = backup(database, incidents.isolatedBucket);
    sign(backup.key());
    // An intruder replaced the object after it was signed, and rewrote the manifest to match: only
    // the signature tells.
    byte[] bytes =
        stack
            .s3
            .getObjectAsBytes(b -> b.bucket(incidents.isolatedBucket).key(backup.key()))
            .asByteArray();
    bytes[bytes.length / 2] ^= 1;
    stack.s3.putObject(
        b -> b.bucket(incidents.isolatedBucket).key(backup.key()), RequestBody.fromBytes(bytes));
    String manifest =
        stack
            .s3
            .getObjectAsBytes(b -> b.bucket(incidents.isolatedBucket).key(backup.manifestKey()))
            .asUtf8String();
    String forged =
        manifest.replace(
            backup.manifest().sha256(),
            java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertFalse(forged.equals(manifest));
    stack.s3.putObject(
        b -> b.bucket(incidents.isolatedBucket).key(backup.manifestKey()),
        RequestBody.fromString(forged));
    // The damage starts a second before the update, which must be well after the backup: the
    // backup may have been taken late in its second, and the forging above is quick.
    Thread.sleep(2100);
    TestPostgres.execute(database, "UPDATE lots SET lot_code = 'ENCRYPTED-' || id");
    Map<String, String> damaged = TestPostgres.fingerprint(database);
    String id = newIncidentId("2-4");

    WorkflowFailedException failure =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                incident(id)
                    .handle(
                        IncidentRequest.builder()
                            .scenario("2.4")
                            .damageStartedAt(Instant.now().minusSeconds(1).toString())
                            .operator("erin")
                            .targetDatabase(database)
                            .build()));

    ApplicationFailure cause = rootApplicationFailure(failure);
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, cause.getType(), cause.getOriginalMessage());
    assertTrue(
        cause.getOriginalMessage().contains("failed its signature check"),
        cause.getOriginalMessage());
    assertEquals(damaged, TestPostgres.fingerprint(database), "nothing was changed");
    assertNotified(id, "failed");
  }

  @Test
  void aRegionalOutageFailsOverThroughRunbook44AndTheDnsGateIsAnsweredOnTheProcedure()
      throws Exception {
    var west = com.flowviz.dr.activities.aws.AwsClients.s3("us-west-2", stack.proxy.endpoint());
    var route53 = TestMoto.route53();
    String source = applicationDatabase("flowviz", 200);
    String primary = TestMoto.newBucket(stack.s3, "flowviz-backups", "us-east-1");
    String dr = TestMoto.newBucket(west, "flowviz-backups-prod-us-west-2", "us-west-2");
    BackupResult backup = backup(source, primary);
    // As cross-region replication does: the backup and every object beside it (manifest, roles,
    // the detached signatures <key>.sig of each).
    String globals = com.flowviz.dr.activities.postgres.ClusterGlobals.keyFor(backup.key());
    for (String key :
        List.of(
            backup.key(),
            backup.key() + ".sig",
            backup.manifestKey(),
            backup.manifestKey() + ".sig",
            globals,
            globals + ".sig")) {
      west.copyObject(
          b -> b.sourceBucket(primary).sourceKey(key).destinationBucket(dr).destinationKey(key));
    }
    String zone = TestMoto.newHostedZone(route53);
    com.sun.net.httpserver.HttpServer health =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    health.createContext(
        "/health",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    health.start();
    String id = newIncidentId("2-5");
    try {
      com.flowviz.dr.workflows.failover.FailoverRequest failover =
          com.flowviz.dr.workflows.failover.FailoverRequest.builder()
              .direction("failover")
              .sourceBucket(dr)
              .sourceRegion("us-west-2")
              .compareBucket(primary)
              .compareRegion("us-east-1")
              .hostedZoneId(zone)
              .healthUrl("http://127.0.0.1:" + health.getAddress().getPort() + "/health")
              .healthDeadline("PT30S")
              .databaseName("flowviz")
              .build();
      WorkflowClient.start(
          incident(id)::handle,
          IncidentRequest.builder()
              .scenario("regional-outage")
              .operator("gina")
              .notes("us-east-1 is down")
              .failover(failover)
              .build());

      IncidentProgress waiting =
          awaitProgress(id, p -> p.awaiting() != null && p.awaiting().contains("approve"));
      assertEquals(id + "-failover", waiting.procedureWorkflowId());
      awaitGate(waiting.procedureWorkflowId());
      assertEquals(
          List.of("api.us-east-1.flowviz.test"),
          TestMoto.recordValues(route53, zone, "api.flowviz.test"),
          "no DNS change before approval");
      client
          .newWorkflowStub(
              com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflow.class,
              waiting.procedureWorkflowId())
          .decide(
              com.flowviz.dr.workflows.common.Decision.approve(
                  "dns-switch", "harry", "region down for an hour"));
      IncidentResult result = client.newUntypedWorkflowStub(id).getResult(IncidentResult.class);

      assertEquals(
          IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
      assertEquals(
          com.flowviz.dr.workflows.failover.FailoverResult.SWITCHED, result.procedureOutcome());
      assertEquals(
          List.of("api.us-west-2.flowviz.test"),
          TestMoto.recordValues(route53, zone, "api.flowviz.test"));
      assertEquals("us-west-2", result.backup().region());
      assertTrue(
          result.steps().stream()
              .anyMatch(
                  s ->
                      s.step().equals("test-critical-workflows")
                          && s.outcome().equals("SUCCEEDED")));
    } finally {
      health.stop(0);
      var terraform =
          new com.flowviz.dr.activities.provision.terraform.TerraformCli(
              com.flowviz.dr.activities.testing.RequiredTools.find("terraform"),
              stack.terraform.resolve("dr-stack"),
              Duration.ofMinutes(5));
      if (terraform.hasWorkspace("prod-dr")) {
        terraform.destroy(
            "prod-dr",
            Map.of("region", "us-west-2", "state_dir", stack.stacks.toString()),
            Map.of("db_password", "unused"));
      }
    }
  }

  private void awaitGate(String failoverId) throws InterruptedException {
    var failover =
        client.newWorkflowStub(
            com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflow.class, failoverId);
    for (int i = 0; i < 1800; i++) {
      try {
        if (failover.progress().pendingGate() != null) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not started
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the failover never reached its DNS gate");
  }

  private void sign(String key) throws Exception {
    Path object = Files.createTempFile("backup", ".gpg");
    Path signature = Files.createTempFile("backup", ".sig");
    Files.write(
        object,
        stack.s3.getObjectAsBytes(b -> b.bucket(incidents.isolatedBucket).key(key)).asByteArray());
    incidents.signerKeys.detachSign(object, signature, IncidentTestStack.SIGNER, null, false);
    stack.s3.putObject(
        b -> b.bucket(incidents.isolatedBucket).key(key + ".sig"), RequestBody.fromFile(signature));
  }

  private static Connection connect(String role, String password, String database)
      throws SQLException {
    return new PgClient(
            new PgConnectionSettings(
                "127.0.0.1", TestPostgres.settings().port(), role, password, null))
        .connect(database);
  }

  static ApplicationFailure rootApplicationFailure(Throwable e) {
    ApplicationFailure found = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure a) {
        found = a;
      }
    }
    assertNotNull(found, "no application failure in " + e);
    return found;
  }
}
