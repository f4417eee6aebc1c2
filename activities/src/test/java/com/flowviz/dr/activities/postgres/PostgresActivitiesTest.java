package com.flowviz.dr.activities.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.Names;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staging, pg_restore and the swap on a real private PostgreSQL cluster. */
class PostgresActivitiesTest {

  @TempDir Path work;
  private TestActivityEnvironment env;
  private PostgresActivities postgres;
  private Path dumpFile;

  @BeforeEach
  void setUp() throws Exception {
    env = TestActivityEnvironment.newInstance();
    WorkDirectory workDirectory = new WorkDirectory(work);
    env.registerActivitiesImplementations(
        new PostgresActivitiesImpl(
            TestPostgres.servers(),
            PgBinaries.locate(null),
            workDirectory,
            2,
            List.of("uuid-ossp"),
            Set.of("flowviz_dr_audit")));
    postgres = TestActivities.stub(env, PostgresActivities.class);
    dumpFile = workDirectory.forWorkflow("test-workflow-id").resolve("backup.dump");
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void restoresAnArchiveIntoAFreshStagingDatabaseWithItsExtensions() {
    String source = TestPostgres.newSampleDatabase("src", 200);
    TestPostgres.pgDump(source, dumpFile);
    String staging = Names.stagingDatabase(source, "wf-restore");

    postgres.prepareStagingDatabase(staging, null);
    PgRestoreOutcome outcome = postgres.restoreIntoStaging(dumpFile.toString(), staging, null);

    assertEquals(2, outcome.jobs());
    assertTrue(
        outcome.targetSpace().contains("bytes free at " + TestPostgres.cluster().dataDirectory()),
        outcome.targetSpace());
    assertEquals(TestPostgres.fingerprint(source), TestPostgres.fingerprint(staging));
    assertEquals(
        List.of("uuid-ossp"),
        TestPostgres.query(
            staging, "SELECT extname FROM pg_extension WHERE extname = 'uuid-ossp'"));
  }

  @Test
  void aRetriedRestoreStartsFromAnEmptyStagingDatabase() {
    String source = TestPostgres.newSampleDatabase("src", 50);
    TestPostgres.pgDump(source, dumpFile);
    String staging = Names.stagingDatabase(source, "wf-retry");
    postgres.prepareStagingDatabase(staging, null);
    postgres.restoreIntoStaging(dumpFile.toString(), staging, null);

    // The same activity again, as after a worker crash: no duplicate-object errors, same data.
    postgres.restoreIntoStaging(dumpFile.toString(), staging, null);

    assertEquals(TestPostgres.fingerprint(source), TestPostgres.fingerprint(staging));
  }

  @Test
  void swapsStagingInKeepingTheReplacedDatabaseAndEndingItsSessions() throws Exception {
    String live = TestPostgres.newSampleDatabase("live", 20);
    Map<String, String> before = TestPostgres.fingerprint(live);
    String staging = Names.stagingDatabase(live, "wf-swap");
    postgres.prepareStagingDatabase(staging, null);
    TestPostgres.execute(staging, "CREATE TABLE restored_marker (id int)");
    String retired = Names.replacedDatabase(live, Instant.parse("2025-01-19T03:15:00Z"));

    try (Connection applicationSession = TestPostgres.client().connect(live)) {
      SwapOutcome outcome =
          postgres.swapIntoLive(new SwapRequest(staging, live, retired, "restore wf-swap"), null);
      assertEquals(retired, outcome.retiredDatabase());
      assertTrue(outcome.terminatedSessions() >= 1, "the application's session was ended");
      assertFalse(applicationSession.isValid(2));
    }
    assertEquals(
        List.of("restored_marker"),
        TestPostgres.query(live, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"));
    assertEquals(before, TestPostgres.fingerprint(retired));
    assertFalse(TestPostgres.databaseExists(staging));
    assertEquals(
        List.of("t"),
        TestPostgres.query(
            "postgres", "SELECT datallowconn FROM pg_database WHERE datname = '" + retired + "'"));
  }

  @Test
  void aRepeatedSwapFindsItDoneAndChangesNothing() {
    String live = TestPostgres.newSampleDatabase("live", 20);
    String staging = Names.stagingDatabase(live, "wf-twice");
    postgres.prepareStagingDatabase(staging, null);
    String retired = Names.replacedDatabase(live, Instant.parse("2025-01-19T03:16:00Z"));
    SwapRequest request = new SwapRequest(staging, live, retired, "restore wf-twice");
    postgres.swapIntoLive(request, null);

    SwapOutcome again = postgres.swapIntoLive(request, null);

    assertTrue(again.alreadyDone());
    assertEquals(retired, again.retiredDatabase());
  }

  @Test
  void swapsIntoADatabaseThatNoLongerExists() {
    String live = TestPostgres.newDatabaseName("gone");
    String staging = Names.stagingDatabase(live, "wf-gone");
    postgres.prepareStagingDatabase(staging, null);

    SwapOutcome outcome =
        postgres.swapIntoLive(
            new SwapRequest(staging, live, live + "_replaced_x", "restore wf-gone"), null);

    assertNull(outcome.retiredDatabase());
    assertTrue(TestPostgres.databaseExists(live));
  }

  @Test
  void refusesToDropOrCreateAnythingButStagingDatabases() {
    String live = TestPostgres.newSampleDatabase("keep", 10);
    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> postgres.dropStagingDatabase(live, null));
    assertEquals(FailureTypes.INVALID_INPUT, ((ApplicationFailure) failure.getCause()).getType());
    assertTrue(TestPostgres.databaseExists(live));
  }

  @Test
  void refusesToReplaceTheAuditTrailDatabase() {
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () ->
                postgres.prepareStagingDatabase(
                    Names.stagingDatabase("flowviz_dr_audit", "wf"), null));
    assertEquals(FailureTypes.SWAP_REFUSED, ((ApplicationFailure) failure.getCause()).getType());
  }

  @Test
  void aFileThatIsNotAnArchiveFailsBeforePgRestoreRuns() throws Exception {
    Files.writeString(dumpFile, "SELECT 1; -- a plain SQL dump");
    String staging = Names.stagingDatabase("x", "wf-notarchive");
    postgres.prepareStagingDatabase(staging, null);
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () -> postgres.restoreIntoStaging(dumpFile.toString(), staging, null));
    assertEquals(FailureTypes.NOT_A_PG_DUMP, ((ApplicationFailure) failure.getCause()).getType());
  }

  /**
   * A database server whose disk fills during pg_restore: the staging database lives on a real 12
   * MiB tmpfs (a tablespace), so pg_restore meets "could not extend file ... No space left on
   * device". Non-retryable, saying what to do. Needs root (mount); about 10 s.
   */
  @Test
  void aServerDiskThatFillsDuringPgRestoreFailsAtOnceSayingWhatToDo() throws Exception {
    String source = TestPostgres.newSampleDatabase("src", 20_000);
    TestPostgres.pgDump(source, dumpFile);
    String staging = Names.stagingDatabase(source, "wf-diskfull");
    String tablespace = TestPostgres.newDatabaseName("small");
    Path mount = Files.createTempDirectory(Path.of("/tmp"), "flowviz-dr-small-volume-");
    Files.setPosixFilePermissions(mount, PosixFilePermissions.fromString("rwxr-xr-x"));
    run("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mount.toString());
    try {
      Path location = Files.createDirectory(mount.resolve("ts"));
      run("chown", "postgres:postgres", location.toString());
      TestPostgres.execute(
          "postgres", "CREATE TABLESPACE " + tablespace + " LOCATION '" + location + "'");
      postgres.prepareStagingDatabase(staging, null);
      TestPostgres.execute(
          "postgres", "ALTER DATABASE " + staging + " SET TABLESPACE " + tablespace);

      ActivityFailure failure =
          assertThrows(
              ActivityFailure.class,
              () -> postgres.restoreIntoStaging(dumpFile.toString(), staging, null));

      ApplicationFailure cause = (ApplicationFailure) failure.getCause();
      assertEquals(FailureTypes.DISK_FULL, cause.getType(), cause.getOriginalMessage());
      assertTrue(cause.isNonRetryable());
      assertTrue(
          cause.getOriginalMessage().contains("No space left on device")
              && cause.getOriginalMessage().contains("Free space on the database server"),
          cause.getOriginalMessage());
    } finally {
      TestPostgres.execute(
          "postgres",
          "DROP DATABASE IF EXISTS " + staging + " WITH (FORCE)",
          "DROP TABLESPACE IF EXISTS " + tablespace);
      run("umount", mount.toString());
    }
  }

  private static void run(String... command) throws Exception {
    RequiredTools.find(command[0]);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
  }
}
