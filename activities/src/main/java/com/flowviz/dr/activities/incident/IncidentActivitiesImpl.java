package com.flowviz.dr.activities.incident;

import com.flowviz.dr.activities.audit.AuditCopy;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.crypto.BackupDecryptionException;
import com.flowviz.dr.activities.crypto.OpenPgpDecryptor;
import com.flowviz.dr.activities.crypto.PrivateKeyMaterial;
import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.BackupStoreException;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class IncidentActivitiesImpl implements IncidentActivities {

  private static final Logger log = LoggerFactory.getLogger(IncidentActivitiesImpl.class);

  /** What the worker is configured with for incidents; names and places only. */
  public record Settings(
      String isolatedBucket,
      String isolatedRegion,
      String isolatedPrefix,
      List<String> rotateRoles,
      String applicationRole,
      String applicationSecretId,
      String applicationDatabase,
      List<String> rotateSecrets,
      String reportBucket,
      String reportPrefix) {}

  private final PrivateKeySource keys;
  private final PgServers servers;
  private final SecretStore secrets;
  private final BackupStore reports;
  private final Settings settings;
  private final AuditStore audit;
  private final AuditCopy auditCopy;

  public IncidentActivitiesImpl(
      PrivateKeySource keys,
      PgServers servers,
      SecretStore secrets,
      BackupStore reports,
      AuditStore audit,
      Settings settings) {
    this(keys, servers, secrets, reports, audit, AuditCopy.NONE, settings);
  }

  /**
   * @param auditCopy where the timeline is read from while the audit database is unreachable
   */
  public IncidentActivitiesImpl(
      PrivateKeySource keys,
      PgServers servers,
      SecretStore secrets,
      BackupStore reports,
      AuditStore audit,
      AuditCopy auditCopy,
      Settings settings) {
    this.audit = audit;
    this.auditCopy = auditCopy;
    this.keys = keys;
    this.servers = servers;
    this.secrets = secrets;
    this.reports = reports;
    this.settings = settings;
  }

  /** Where a role's current password is kept after a rotation. */
  public static String roleSecret(String role) {
    return "flowviz/db/roles/" + role;
  }

  @Override
  public CredentialCheck checkCredentials() {
    List<String> problems = new ArrayList<>();
    List<String> keyIds = List.of();
    boolean keyReady = false;
    try (PrivateKeyMaterial key = keys.load()) {
      keyIds = OpenPgpDecryptor.unlockEncryptionKeys(key);
      keyReady = true;
    } catch (PrivateKeySource.KeyUnavailableException | BackupDecryptionException e) {
      problems.add("backup key: " + e.getMessage());
    }
    boolean databaseReachable = false;
    try (Connection c = servers.defaultClient().connectMaintenance()) {
      databaseReachable = c.isValid(5);
    } catch (SQLException e) {
      problems.add("database " + servers.defaultClient().settings() + ": " + e.getMessage());
    }
    return new CredentialCheck(keyReady, keys.describe(), keyIds, databaseReachable, problems);
  }

  @Override
  public IsolatedLocation isolatedBackupLocation() {
    if (settings.isolatedBucket() == null) {
      throw NonRetryable.failure(
          FailureTypes.CONFIGURATION,
          "No isolated backup location is configured (flowviz.incident.isolated-bucket). After a"
              + " breach the restore must come from backups the attacker could not reach; configure"
              + " the isolated bucket and start again.");
    }
    return new IsolatedLocation(
        settings.isolatedBucket(),
        settings.isolatedRegion(),
        settings.isolatedPrefix() == null ? "daily/" : settings.isolatedPrefix());
  }

  @Override
  public RotationOutcome rotateCredentials(PgServer server) {
    PgClient pg = servers.client(server);
    RotationOutcome outcome;
    try {
      outcome = new CredentialRotation(pg, secrets, settings).rotate();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot rotate database role passwords on " + pg.settings() + ": " + e.getMessage(), e);
    }
    log.info(
        "Rotated the passwords of roles {} and the secrets {}; ended {} sessions of those roles",
        outcome.roles(),
        outcome.secrets(),
        outcome.sessionsEnded());
    return outcome;
  }

  @Override
  public ReportLocation writeIncidentReport(IncidentReport report) {
    ReportLocation location = location(report.incidentId());
    if (report.timeline() == null) {
      try {
        report = report.withTimeline(audit.entriesOfIncident(report.incidentId()));
      } catch (SQLException e) {
        if (!auditCopy.configured()) {
          throw new IllegalStateException(
              "Cannot read the incident's timeline from the audit trail: " + e.getMessage(), e);
        }
        try {
          // The audit database is down (the server being recovered, say): every entry is in the
          // copy.
          report = report.withTimeline(auditCopy.entriesOfIncident(report.incidentId()));
        } catch (IOException copyFailure) {
          throw new IllegalStateException(
              "Cannot read the incident's timeline from the audit trail ("
                  + e.getMessage()
                  + ") nor from its copy: "
                  + copyFailure.getMessage(),
              copyFailure);
        }
      }
    }
    try {
      reports.writeSmall(
          location.bucket(),
          location.markdownKey(),
          IncidentReportMarkdown.render(report).getBytes(StandardCharsets.UTF_8),
          "text/markdown");
      reports.writeSmall(
          location.bucket(), location.jsonKey(), Json.write(report), "application/json");
    } catch (BackupStoreException.BucketNotFound | BackupStoreException.AccessDenied e) {
      // Retrying cannot create a bucket or grant access: say so at once.
      throw NonRetryable.failure(
          FailureTypes.CONFIGURATION,
          "Cannot store the incident report in s3://"
              + location.bucket()
              + ": "
              + e.getMessage()
              + " Create the bucket (with object lock, so reports cannot be rewritten) and give the"
              + " worker s3:PutObject on it, or set flowviz.incident.report-bucket to the"
              + " compliance bucket.");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot store the incident report in s3://" + location.bucket() + ": " + e.getMessage(),
          e);
    }
    return location;
  }

  @Override
  public StoredReport readIncidentReport(String incidentId) {
    ReportLocation location = location(incidentId);
    try {
      byte[] markdown =
          reports
              .readSmall(location.bucket(), location.markdownKey())
              .orElseThrow(
                  () ->
                      NonRetryable.failure(
                          FailureTypes.BACKUP_NOT_FOUND,
                          "There is no report for incident "
                              + incidentId
                              + " at s3://"
                              + location.bucket()
                              + "/"
                              + location.markdownKey()
                              + "."));
      byte[] json = reports.readSmall(location.bucket(), location.jsonKey()).orElse(null);
      return new StoredReport(
          location,
          new String(markdown, StandardCharsets.UTF_8),
          json == null ? null : Json.read(json, IncidentReport.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ReportLocation location(String incidentId) {
    String safe = incidentId.replaceAll("[^A-Za-z0-9._-]", "_");
    String prefix = settings.reportPrefix() + safe + "/";
    return new ReportLocation(
        settings.reportBucket(), prefix + "report.md", prefix + "report.json");
  }
}
