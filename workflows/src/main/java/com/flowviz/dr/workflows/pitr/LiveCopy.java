package com.flowviz.dr.workflows.pitr;

import com.flowviz.dr.activities.postgres.PgRestoreOutcome;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.ServerNames;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.postgres.SwapRequest;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.ApprovalGates;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.Detached;
import com.flowviz.dr.workflows.common.Names;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.common.WorkHost;
import com.flowviz.dr.workflows.lease.DatabaseLease;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * Runbook 2.1 at the precision of a point in time: one database of the live server replaced by its
 * recovered copy. The copy is dumped ({@code pg_dump -Fc}) on the host that reaches it and restored
 * into a staging database on the live server by 4.1's faithful {@code pg_restore -j}; staging is
 * verified (5.1/5.2), a person approves the swap (the rows written after the target are not in it),
 * and 4.1's swap renames live aside (kept as {@code <db>_replaced_<time>}) and staging into its
 * place. One procedure at a time holds the live database's lease.
 *
 * <p>The archive goes through a file on the host, not a pipe: {@code pg_restore -j} needs a
 * seekable archive, and the faithful staging reads its table of contents before restoring.
 */
final class LiveCopy {

  static final String DUMP_RECOVERED = "dump-recovered-database";
  static final String RESTORE_INTO_STAGING = "restore-into-staging";
  static final String VERIFY_STAGING = "verify-staging";
  static final String APPROVE_SWAP = "approve-swap";
  static final String SWAP = "swap-into-live";
  static final String DROP_STAGING = "drop-staging";

  /** Workflow.getVersion change id: production as null, 4.1's lease id for the live database. */
  static final String PRODUCTION_AS_4_1_NAMES_IT = "pitr-live-copy-production-lease";

  /** The swapped outcome of a copy into the live database. */
  static final String COPIED_INTO_LIVE = "COPIED_INTO_LIVE";

  private final PostgresActivities postgres =
      Workflow.newActivityStub(PostgresActivities.class, ActivityTimeouts.DATABASE);
  private final VerificationActivities verification =
      Workflow.newActivityStub(VerificationActivities.class, ActivityTimeouts.VERIFY);
  private final StepTracker steps;
  private final ApprovalGates gates;
  private final RestoreToPointInTimePlan plan;

  LiveCopy(StepTracker steps, ApprovalGates gates, RestoreToPointInTimePlan plan) {
    this.steps = steps;
    this.gates = gates;
    this.plan = plan;
  }

  /**
   * @param copy the recovered, verified copy
   * @param host the host that reaches the copy, where the archive is written and read
   */
  RestoreToPointInTimeResult copyIntoLive(
      RestoreToPointInTimeResultBuilder result, PgServer copy, WorkHost host, Instant startedAt) {
    // Production is the worker's own server (null), as 4.1 and the incidents name it: one lease id
    // for all of them, so they exclude each other. (The first copies named it, and held a lease of
    // another id.)
    boolean sharedLease =
        Workflow.getVersion(PRODUCTION_AS_4_1_NAMES_IT, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
    PgServer live =
        sharedLease && ServerNames.PRODUCTION.equals(plan.sourceServer())
            ? null
            : PgServer.named(plan.sourceServer());
    String database = plan.database();
    String staging = Names.stagingDatabase(database, Workflow.getInfo().getWorkflowId());
    DatabaseLease lease =
        DatabaseLease.acquire(
            live, database, "point-in-time copy into the live database", Duration.ZERO);
    boolean swapped = false;
    try {
      PostgresActivities nearCopy = host.pgRestore(staging);
      String archive =
          steps.run(
              DUMP_RECOVERED,
              () -> nearCopy.dumpForStaging(copy, database),
              path -> "pg_dump -Fc of " + database + " on " + copy.describe() + " into " + path);
      PgRestoreOutcome restored =
          steps.run(
              RESTORE_INTO_STAGING,
              () -> nearCopy.restoreIntoStaging(archive, staging, live),
              r ->
                  "pg_restore -j "
                      + r.jobs()
                      + " into "
                      + staging
                      + " on "
                      + describe(live)
                      + " in "
                      + r.millis()
                      + " ms");
      VerificationReport verified =
          steps.runJudged(
              VERIFY_STAGING,
              () -> verification.verifyRestoredDatabase(staging, null, live),
              VerificationReport::passed,
              v -> (v.passed() ? "passed: " : "FAILED: ") + v.checks().size() + " checks");
      result.stagingRestore(restored).stagingVerification(verified);
      if (!verified.passed()) {
        throw ApplicationFailure.newNonRetryableFailure(
            "Runbook 5.1/5.2 on staging "
                + staging
                + " failed: "
                + verified.failedChecks().stream()
                    .map(
                        c ->
                            c.name() + " (expected " + c.expected() + ", found " + c.actual() + ")")
                    .collect(Collectors.joining("; "))
                + ". The live database "
                + database
                + " was not touched.",
            FailureTypes.VERIFICATION_FAILED);
      }
      Decision decision =
          steps.run(
              APPROVE_SWAP,
              () ->
                  gates.await(
                      Decision.SWAP,
                      plan.approvalTimeout(),
                      "staging "
                          + staging
                          + " on "
                          + describe(live)
                          + " holds "
                          + database
                          + " as of "
                          + plan.target().describe()
                          + " (verified). Swapping replaces the live "
                          + database
                          + ": what was written after that point is not in it (the live database"
                          + " is kept, renamed). Approve: `flowviz-dr approve "
                          + Workflow.getInfo().getWorkflowId()
                          + " --gate swap --by NAME`, or reject to leave the live database as it"
                          + " is."),
              ApprovalGates::describe);
      result.swapDecision(decision);
      if (decision == null || !decision.approve()) {
        return result
            .outcome(RestoreToPointInTimeResult.RECOVERED)
            .elapsed(Duration.between(startedAt, now()))
            .build();
      }
      // The point of no return: the swap runs to its end even if a cancellation arrives.
      SwapOutcome swap =
          Detached.call(
              () ->
                  steps.run(
                      SWAP,
                      () ->
                          postgres.swapIntoLive(
                              new SwapRequest(
                                  staging,
                                  database,
                                  Names.replacedDatabase(database, now()),
                                  "flowviz-dr point-in-time copy "
                                      + Workflow.getInfo().getWorkflowId()
                                      + " to "
                                      + plan.target().describe()),
                              live),
                      s ->
                          s.retiredDatabase() == null
                              ? "no live database existed; the copy is now " + s.liveDatabase()
                              : "live database kept as "
                                  + s.retiredDatabase()
                                  + "; "
                                  + s.terminatedSessions()
                                  + " sessions ended"));
      swapped = true;
      return result
          .outcome(COPIED_INTO_LIVE)
          .swap(swap)
          .elapsed(Duration.between(startedAt, now()))
          .build();
    } finally {
      if (!swapped) {
        // Staging goes whatever stopped the copy; the live database was never touched.
        Detached.run(
            () ->
                steps.run(
                    DROP_STAGING,
                    () -> postgres.dropStagingDatabase(staging, live),
                    dropped -> dropped ? "dropped " + staging : "no staging database to drop"));
      }
      host.discardWorkFiles();
      lease.release();
    }
  }

  private static String describe(PgServer server) {
    return server == null ? ServerNames.PRODUCTION : server.describe();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
