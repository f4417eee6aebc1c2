package com.flowviz.dr.workflows.common;

import com.flowviz.dr.activities.app.ApplicationActivities;
import com.flowviz.dr.activities.app.PublishOutcome;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.workflow.Workflow;

/**
 * Runbook 4.3's last three steps, for every procedure that puts the application on another server:
 * publish the database endpoint, restart the application, test its connectivity. Each runs whatever
 * is configured; a step records SKIPPED when nothing was configured to do it, FAILED when what ran
 * failed. A failed restart is not rolled back: the application stays pointed at the verified
 * server.
 */
public final class ApplicationRepoint {

  public static final String REPOINT = "repoint-application";
  public static final String RESTART = "restart-application";
  public static final String CONNECTIVITY = "application-connectivity-test";

  /** What the three steps did; {@code outcome} is RESTORED or RESTORED_APPLICATION_UNHEALTHY. */
  public record Outcome(
      String outcome,
      PublishOutcome published,
      RestartOutcome restart,
      ConnectivityReport connectivity) {}

  private final ApplicationActivities application =
      Workflow.newActivityStub(ApplicationActivities.class, ActivityTimeouts.APPLICATION);
  private final VerificationActivities verification =
      Workflow.newActivityStub(VerificationActivities.class, ActivityTimeouts.APPLICATION);

  public Outcome repoint(StepTracker steps, PgServer server, String database) {
    PublishOutcome published = application.publishDatabaseEndpoint(server, database);
    if (published.configured()) {
      steps.run(REPOINT, () -> published, p -> "wrote " + p.locations());
    } else {
      steps.skip(
          REPOINT,
          "FINDING: no endpoint publisher configured (flowviz.application.env-file or secret-id):"
              + " repoint the application at "
              + server.describe()
              + " by hand");
    }
    RestartOutcome restart = application.restartApplication();
    boolean restartFailed = restart.configured() && restart.exitCode() != 0;
    if (restart.configured()) {
      steps.runJudged(
          RESTART,
          () -> restart,
          r -> r.exitCode() == 0,
          r ->
              r.command()
                  + " exited "
                  + r.exitCode()
                  + (r.exitCode() == 0 || r.outputTail().isBlank() ? "" : ": " + r.outputTail()));
    } else {
      steps.skip(
          RESTART,
          "no restart command configured (flowviz.application.restart-command): restart the"
              + " application by hand");
    }
    ConnectivityReport connectivity = verification.checkApplicationConnectivity();
    if (connectivity.configured()) {
      steps.runJudged(
          CONNECTIVITY,
          () -> connectivity,
          ConnectivityReport::healthy,
          c ->
              c.healthy()
                  ? "all " + c.endpoints().size() + " endpoints healthy"
                  : "UNHEALTHY: " + c.endpoints());
    } else {
      steps.skip(
          CONNECTIVITY,
          "no endpoints configured (flowviz.application.base-url or health-endpoints): the"
              + " application's connectivity was NOT tested");
    }
    String outcome =
        restartFailed || (connectivity.configured() && !connectivity.healthy())
            ? RestoreResult.RESTORED_APPLICATION_UNHEALTHY
            : RestoreResult.RESTORED;
    return new Outcome(outcome, published, restart, connectivity);
  }
}
