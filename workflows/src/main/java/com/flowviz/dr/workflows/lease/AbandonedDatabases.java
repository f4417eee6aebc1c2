package com.flowviz.dr.workflows.lease;

import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.ReopenedDatabase;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Failures;
import com.flowviz.dr.workflows.common.StepRecord;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/**
 * A swap that died after closing the live database (ALLOW_CONNECTIONS false) and was never retried
 * leaves it refusing every connection. The next procedure on that server opens it again before its
 * own first step and records it; the worker does the same when it starts.
 */
public final class AbandonedDatabases {

  /** The audit trail's step for each database opened again, or for the look that failed. */
  static final String REOPEN = "reopen-abandoned-database";

  /** Short: a server that does not answer is the procedure's own business, not this look's. */
  private static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setScheduleToCloseTimeout(Duration.ofMinutes(2))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofSeconds(10))
                  .build())
          .build();

  private AbandonedDatabases() {}

  /**
   * @param ownDatabase the database the caller holds the lease on: opened whatever closed it
   */
  public static void reopen(AuditTrail trail, String ownDatabase, PgServer server) {
    PostgresActivities postgres = Workflow.newActivityStub(PostgresActivities.class, OPTIONS);
    try {
      List<ReopenedDatabase> reopened = postgres.reopenAbandonedDatabases(ownDatabase, server);
      for (ReopenedDatabase r : reopened == null ? List.<ReopenedDatabase>of() : reopened) {
        trail.record(
            REOPEN,
            StepRecord.SUCCEEDED,
            "opened "
                + r.describe()
                + ": it refused connections since a swap that never finished closed it");
      }
    } catch (ActivityFailure e) {
      // The procedure's own steps meet an unreachable server and say so; this look does not hold
      // them up.
      trail.record(
          REOPEN,
          StepRecord.SKIPPED,
          "could not look for databases left closed: " + Failures.rootMessage(e));
    }
  }
}
