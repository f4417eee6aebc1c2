package com.flowviz.dr.activities.incident;

import com.flowviz.dr.activities.postgres.PgServer;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The outside actions only an incident needs: credentials, the isolated backups, the report. */
@ActivityInterface
public interface IncidentActivities {

  /**
   * Loads the backup private key and unlocks it, and reaches the database, without returning either
   * secret.
   */
  @ActivityMethod
  CredentialCheck checkCredentials();

  /** The configured isolated backup location; fails without retry when none is configured. */
  @ActivityMethod
  IsolatedLocation isolatedBackupLocation();

  /**
   * After a breach: new passwords for the configured database roles by Secrets Manager's rotation
   * protocol (staged as AWSPENDING, set with ALTER ROLE and a SCRAM verifier computed here with
   * statement logging off, proven by logging in, then made AWSCURRENT), the application's database
   * secret rotated with them, the other configured secrets regenerated, and the rotated roles'
   * other sessions ended. A second run finishes a rotation that stopped between its steps with the
   * same pending password. New values are made inside this activity and leave it only for the
   * secret store.
   */
  @ActivityMethod
  RotationOutcome rotateCredentials(PgServer server);

  /** Renders the report as Markdown and JSON and stores both in the compliance location. */
  @ActivityMethod
  ReportLocation writeIncidentReport(IncidentReport report);

  /** The stored report of an incident. */
  @ActivityMethod
  StoredReport readIncidentReport(String incidentId);
}
