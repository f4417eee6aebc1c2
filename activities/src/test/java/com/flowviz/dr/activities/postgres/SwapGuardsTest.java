package com.flowviz.dr.activities.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.lease.RunningWorkflows;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.Names;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What guards a swap on a real private PostgreSQL cluster: the live database must still be the one
 * that was compared, and a database a dead swap left closed is opened again (only that one). Time
 * budget: about 10 s.
 */
class SwapGuardsTest {

  @TempDir Path work;
  private TestActivityEnvironment env;
  private PostgresActivities postgres;

  /** Workflows the fake Temporal says still run. */
  private final Set<String> running = Set.of("wf-still-swapping");

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    RunningWorkflows temporal = id -> Optional.of(running.contains(id));
    env.registerActivitiesImplementations(
        new PostgresActivitiesImpl(
            TestPostgres.servers(),
            PgBinaries.locate(null),
            new WorkDirectory(work),
            1,
            List.of(),
            Set.of("flowviz_dr_audit"),
            temporal));
    postgres = TestActivities.stub(env, PostgresActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void anApprovedSwapIsRefusedWhenRowsWereWrittenSinceTheComparison() throws Exception {
    String live = TestPostgres.newSampleDatabase("judged", 20);
    TestPostgres.execute("postgres", "COMMENT ON DATABASE " + live + " IS 'kept by the swap'");
    String staging = Names.stagingDatabase(live, "wf-judged");
    postgres.prepareStagingDatabase(staging, null);
    LiveFingerprint compared = postgres.fingerprintLiveDatabase(live, null);
    // The plant kept working after the person looked.
    TestPostgres.execute(
        live,
        "INSERT INTO users (email, full_name, role) VALUES ('late@flowviz.com', 'Late Writer',"
            + " 'operator')");
    Thread.sleep(
        1500); // the statistics collector's counters reach shared memory when the session ends

    String retired = Names.replacedDatabase(live, Instant.parse("2025-01-19T03:15:00Z"));
    ActivityFailure refused =
        assertThrows(
            ActivityFailure.class,
            () ->
                postgres.swapIntoLive(
                    new SwapRequest(staging, live, retired, "restore wf-judged", compared), null));

    ApplicationFailure failure = (ApplicationFailure) refused.getCause();
    assertEquals(FailureTypes.LIVE_DATABASE_CHANGED, failure.getType());
    assertTrue(failure.isNonRetryable());
    assertTrue(
        failure.getOriginalMessage().contains("1 rows were inserted, updated or deleted"),
        failure.getOriginalMessage());
    assertTrue(
        failure.getOriginalMessage().contains("Compare again"), failure.getOriginalMessage());
    assertTrue(TestPostgres.databaseExists(staging), "nothing swapped");
    assertEquals(
        List.of("t"),
        TestPostgres.query(
            "postgres", "SELECT datallowconn FROM pg_database WHERE datname = '" + live + "'"));
    assertEquals(List.of("kept by the swap"), comment(live));

    // Compared again: the swap goes ahead, and the replaced database keeps its own comment.
    postgres.swapIntoLive(
        new SwapRequest(
            staging,
            live,
            retired,
            "restore wf-judged",
            postgres.fingerprintLiveDatabase(live, null)),
        null);
    assertEquals(List.of("kept by the swap"), comment(retired));
    assertEquals(List.of("restore wf-judged"), comment(live));
  }

  @Test
  void aDatabaseLeftClosedBySwapThatNoLongerRunsIsOpenedAgainAndNoOther() {
    String abandoned = TestPostgres.newSampleDatabase("abandoned", 5);
    String swapping = TestPostgres.newSampleDatabase("swapping", 5);
    String closedByHand = TestPostgres.newSampleDatabase("dba", 5);
    String own = TestPostgres.newSampleDatabase("own", 5);
    close(
        abandoned,
        "flowviz-dr: closed for a swap by workflow wf-terminated\nprevious comment: before");
    close(swapping, "flowviz-dr: closed for a swap by workflow wf-still-swapping");
    close(closedByHand, "maintenance window");
    close(own, null);

    List<ReopenedDatabase> reopened = postgres.reopenAbandonedDatabases(own, null);

    assertEquals(List.of("t"), allowsConnections(abandoned));
    assertEquals(List.of("before"), comment(abandoned));
    assertEquals(List.of("t"), allowsConnections(own), "the caller holds its lease");
    assertEquals(List.of("f"), allowsConnections(swapping), "its swap still runs");
    assertEquals(List.of("f"), allowsConnections(closedByHand), "not closed by a swap of ours");
    assertTrue(
        reopened.contains(
            new ReopenedDatabase(
                abandoned,
                "wf-terminated",
                "the workflow wf-terminated that closed it for its swap is no longer running")),
        reopened.toString());
    assertTrue(
        reopened.stream().anyMatch(r -> r.database().equals(own) && r.closedBy() == null),
        reopened.toString());
    assertTrue(
        reopened.stream()
            .noneMatch(r -> r.database().equals(swapping) || r.database().equals(closedByHand)),
        reopened.toString());
    TestPostgres.execute(
        "postgres",
        "ALTER DATABASE " + swapping + " WITH ALLOW_CONNECTIONS true",
        "ALTER DATABASE " + closedByHand + " WITH ALLOW_CONNECTIONS true");
  }

  private static void close(String database, String comment) {
    if (comment != null) {
      TestPostgres.execute(
          "postgres",
          "COMMENT ON DATABASE " + database + " IS E'" + comment.replace("\n", "\\n") + "'");
    }
    TestPostgres.execute(
        "postgres", "ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS false");
  }

  private static List<String> allowsConnections(String database) {
    return TestPostgres.query(
        "postgres", "SELECT datallowconn FROM pg_database WHERE datname = '" + database + "'");
  }

  private static List<String> comment(String database) {
    return TestPostgres.query(
        "postgres",
        "SELECT coalesce(shobj_description(oid, 'pg_database'), '(none)') FROM pg_database WHERE"
            + " datname = '"
            + database
            + "'");
  }
}
