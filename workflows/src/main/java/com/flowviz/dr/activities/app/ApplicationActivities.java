package com.flowviz.dr.activities.app;

import com.flowviz.dr.activities.postgres.PgServer;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The FlowViz application that uses the restored database. */
@ActivityInterface
public interface ApplicationActivities {

  /** Runs the configured restart command (runbook 4.1 step 5, e.g. docker compose restart api). */
  @ActivityMethod
  RestartOutcome restartApplication();

  /** Which database the application reads, and what restarting and probing it would do. */
  @ActivityMethod
  ApplicationProfile describeApplication();

  /**
   * Points the application at a database (runbook 4.3 step 5): writes its connection settings where
   * the application reads them (an env file and compose override, or a Secrets Manager secret).
   * Rewrites the same content when run again.
   */
  @ActivityMethod
  PublishOutcome publishDatabaseEndpoint(PgServer server, String database);
}
