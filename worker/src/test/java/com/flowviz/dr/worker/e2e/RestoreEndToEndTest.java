package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Runbook 4.1 end to end: the real worker, the Temporal dev server, PostgreSQL, moto_server (S3 and
 * Secrets Manager through the AWS SDK), gpg and pg_dump/pg_restore.
 */
class RestoreEndToEndTest {

  private final WorkerTestStack stack = WorkerTestStack.get();
  @TempDir Path dir;

  @Test
  void restoresTheLatestBackupRowForRowAfterTheLiveDatabaseIsDamaged() throws Exception {
    String live = TestPostgres.newSampleDatabase("flowviz", 1000);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Map<String, String> original = TestPostgres.fingerprint(live);
    BackupResult backup = Restores.backup(live, bucket);
    assertTrue(backup.key().startsWith("daily/" + live + "_daily_"), backup.key());

    TestPostgres.execute(
        live,
        "DELETE FROM qc_decisions WHERE decision_type = 'reject'",
        "DROP TABLE temperature_logs CASCADE");
    Map<String, String> damaged = TestPostgres.fingerprint(live);
    assertNotEquals(original, damaged);

    var restore =
        stack.client.newWorkflowStub(
            com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow.class,
            Restores.options("restore-" + live));
    RestoreResult result = restore.restore(Restores.latest(bucket, live));

    assertEquals(RestoreResult.RESTORED, result.outcome());
    assertEquals(backup.key(), result.backup().key());
    assertTrue(result.verification().passed());
    assertTrue(result.verification().comparedWithManifest());
    assertEquals(
        original,
        TestPostgres.fingerprint(live),
        "the live database holds the backup, row for row");
    assertEquals(
        damaged,
        TestPostgres.fingerprint(result.replacedDatabase()),
        "the damaged database is kept for forensics");
    assertEquals(List.of(), TestPostgres.databasesLike(live + "_staging_%"));
    assertTrue(result.steps().stream().noneMatch(s -> s.outcome().equals(StepRecord.FAILED)));
    assertEquals(0, stack.workFiles(), "no backup file, encrypted or plain, is left on disk");
    // Filterable in the Temporal UI: FlowvizScenario = '4.1' AND FlowvizTargetDatabase = '<live>'
    // ...
    var searchAttributes =
        io.temporal.client.WorkflowStub.fromTyped(restore).describe().getTypedSearchAttributes();
    assertEquals(
        "4.1", searchAttributes.get(com.flowviz.dr.workflows.common.RunSearchAttributes.SCENARIO));
    assertEquals(
        live,
        searchAttributes.get(com.flowviz.dr.workflows.common.RunSearchAttributes.TARGET_DATABASE));
    assertEquals(
        backup.key(),
        searchAttributes.get(com.flowviz.dr.workflows.common.RunSearchAttributes.BACKUP_KEY));
    assertEquals(
        "test-operator",
        searchAttributes.get(com.flowviz.dr.workflows.common.RunSearchAttributes.OPERATOR));
  }

  @Test
  void restoresABackupThatGpgEncryptedByHandThroughTheStarter() throws Exception {
    String live = TestPostgres.newSampleDatabase("flowviz", 300);
    Map<String, String> original = TestPostgres.fingerprint(live);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    // The runbook's own pipeline, gpg with its default settings: pg_dump -Fc | gpg --encrypt -r KEY
    Path cipher = dir.resolve("by-hand.dump.gpg");
    ProcessBuilder pgDump =
        new ProcessBuilder(
            com.flowviz.dr.activities.postgres.PgBinaries.locate(null).program("pg_dump"),
            "-Fc",
            "--dbname=" + live);
    TestPostgres.settings()
        .toolEnvironment()
        .forEach(
            (k, v) -> {
              if (v != null) {
                pgDump.environment().put(k, v);
              }
            });
    List<Process> pipeline =
        ProcessBuilder.startPipeline(
            List.of(pgDump, stack.gpg.encryptFromStdin(WorkerTestStack.KEY_EMAIL, cipher)));
    for (Process p : pipeline) {
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue());
    }
    String key = "daily/" + live + "_daily_20250119_020000.dump.gpg";
    stack.s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(cipher));
    TestPostgres.execute(live, "TRUNCATE lots, qc_decisions, temperature_logs CASCADE");

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        StarterCommand.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "restore",
            "--address",
            stack.temporal.address(),
            "--bucket",
            bucket,
            "--backup",
            "latest",
            "--target",
            live,
            "--operator",
            "alice",
            "--reason",
            "restore a hand-made backup");

    assertEquals(0, exit, err.toString());
    assertTrue(out.toString().contains("Verification:   PASSED"), out.toString());
    assertTrue(out.toString().contains("no manifest: runbook checks only"), out.toString());
    assertTrue(out.toString().contains(key), out.toString());
    assertEquals(original, TestPostgres.fingerprint(live));
  }

  @Test
  void theStarterListsBackupsNewestFirstAndPrintsJsonForScripts() throws Exception {
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    for (String key :
        List.of(
            "daily/flowviz_daily_20250118_020000.dump.gpg",
            "daily/flowviz_daily_20250119_020000.dump.gpg")) {
      stack.s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("x"));
    }
    StringWriter out = new StringWriter();
    int exit =
        StarterCommand.run(
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "list",
            "--address",
            stack.temporal.address(),
            "--bucket",
            bucket,
            "--json");
    assertEquals(0, exit);
    var listed =
        com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(out.toString());
    assertEquals("daily/flowviz_daily_20250119_020000.dump.gpg", listed.get(0).get("key").asText());
    assertEquals("STANDARD", listed.get(0).get("storageClass").asText());
    assertEquals(2, listed.size());
    Files.deleteIfExists(dir.resolve("unused"));
  }
}
