package com.flowviz.dr.workflows.freshness;

import com.flowviz.dr.activities.physical.ArchiveContents;
import com.flowviz.dr.activities.physical.ArchiveLocation;
import com.flowviz.dr.activities.physical.ArchiverStatus;
import com.flowviz.dr.activities.physical.WalExposureActivities;
import com.flowviz.dr.workflows.RecoveryObjectives;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Notifier;
import com.flowviz.dr.workflows.common.StepRecord;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One look at one archiving server's WAL exposure, told like the dump checks: once when a breach
 * begins, once if it passes the maximum, once when it ends, once when it cannot be measured.
 */
final class WalExposureCheck {

  /** Same task queue as the storage activities: the workflow's, where the worker serves both. */
  private final WalExposureActivities wal =
      Workflow.newActivityStub(WalExposureActivities.class, ActivityTimeouts.QUICK);

  private final AuditTrail trail;
  private final String bucket;
  private final String region;

  WalExposureCheck(AuditTrail trail, String bucket, String region) {
    this.trail = trail;
    this.bucket = bucket;
    this.region = region;
  }

  static String notifierId(String server) {
    return FreshnessSteps.NOTIFIER_PREFIX + "wal-" + server.replace(':', '-');
  }

  ServerExposure check(ServerExposure last, Notifier notifier) {
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    ArchiverStatus status;
    try {
      status = wal.archiverStatus(last.server());
    } catch (ActivityFailure e) {
      // A server the role may not read (no pg_monitor) must not stop the dumps' checks.
      return unknown(
          last.toBuilder().checkedAt(now).build(),
          notifier,
          now,
          "its archiver cannot be read (" + cause(e) + ")");
    }
    if (status.reachable()) {
      ServerExposure known =
          last.toBuilder()
              .systemIdentifier(
                  status.systemIdentifier() == null
                      ? last.systemIdentifier()
                      : status.systemIdentifier())
              .timeline(status.timeline() == null ? last.timeline() : status.timeline())
              .failing(status.failing())
              .checkedAt(now)
              .build();
      if (status.inRecovery()) {
        return noted(
            known, ServerExposure.IN_RECOVERY, "is in recovery and archives no WAL of its own");
      }
      if (!status.archiving()) {
        // Not an alarm: the daily dump's monitor watches what protects this server.
        ServerExposure noted =
            noted(
                known,
                ServerExposure.DAILY_DUMP,
                "does not archive WAL (archive_mode "
                    + status.archiveMode()
                    + "): it is not continuously protected, its RPO is the daily dump's");
        return judge(noted.toBuilder().exposure(null).build(), notifier, null, null, now);
      }
      if (status.lagSeconds() != null) {
        Duration lag = Duration.ofMillis(Math.round(status.lagSeconds() * 1000));
        ServerExposure measured =
            known.toBuilder()
                .protection(ServerExposure.CONTINUOUS)
                .source(ServerExposure.SERVER)
                .exposure(lag)
                .unknownSince(null)
                .build();
        String what =
            "WAL archive lag "
                + describe(lag)
                + (status.pendingBytes() == null
                    ? ""
                    : " (" + status.pendingBytes() + " bytes not archived)")
                + (status.failing()
                    ? "; archiving is failing (last failed " + status.lastFailedWal() + ")"
                    : "");
        return judge(measured, notifier, lag, what, now);
      }
      // Reachable but the lag was not measured: the bucket's view is all there is.
      return fromBucket(known, notifier, now, "its archive lag was not measured");
    }
    return fromBucket(
        last.toBuilder().checkedAt(now).build(),
        notifier,
        now,
        "the server cannot be read (" + status.problem() + ")");
  }

  /** While the server cannot be read, the newest WAL in the bucket bounds what a restore loses. */
  private ServerExposure fromBucket(
      ServerExposure last, Notifier notifier, Instant now, String why) {
    if (last.systemIdentifier() == null) {
      return unknown(last, notifier, now, why + " and its system identifier was never read");
    }
    ArchiveContents contents;
    try {
      contents =
          wal.archiveContents(
              ArchiveLocation.builder()
                  .bucket(bucket)
                  .region(region)
                  .systemIdentifier(last.systemIdentifier())
                  .build());
    } catch (ActivityFailure e) {
      return unknown(
          last, notifier, now, why + " and its archive cannot be listed (" + cause(e) + ")");
    }
    if (!contents.reachable()) {
      return unknown(
          last,
          notifier,
          now,
          why + " and s3://" + bucket + " cannot be read (" + contents.problem() + ")");
    }
    Duration age =
        contents.newestWalAt() == null ? null : Duration.between(contents.newestWalAt(), now);
    String what =
        why
            + "; "
            + (age == null
                ? "the archive holds no WAL of it at all"
                : "its newest archived WAL "
                    + contents.newestWalKey()
                    + " is "
                    + describe(age)
                    + " old");
    return judge(
        last.toBuilder()
            .protection(ServerExposure.CONTINUOUS)
            .source(ServerExposure.BUCKET)
            .exposure(age)
            .unknownSince(null)
            .build(),
        notifier,
        age,
        what,
        now);
  }

  private ServerExposure unknown(ServerExposure last, Notifier notifier, Instant now, String why) {
    if (last.unknownSince() != null) {
      return last;
    }
    notifier.send(
        "unknown-" + now.toEpochMilli(),
        "warning",
        "trigger",
        "WAL exposure: " + last.server() + ": " + why + "; its RPO exposure is unknown",
        Map.of("server", last.server()));
    trail.record(FreshnessSteps.CHECK, StepRecord.FAILED, last.server() + ": " + why);
    // What was known of its breach stays as it was.
    return last.toBuilder().unknownSince(now).alerts(last.alerts() + 1).build();
  }

  /** Records a protection that is no alarm, once, when it changes. */
  private ServerExposure noted(ServerExposure known, String protection, String what) {
    if (!protection.equals(known.protection())) {
      trail.record(FreshnessSteps.CHECK, StepRecord.SKIPPED, known.server() + " " + what);
    }
    return known.toBuilder().protection(protection).unknownSince(null).build();
  }

  /**
   * The dump checks' transitions: breach, escalation to the maximum, recovery.
   *
   * @param exposure null when the server is not continuously protected (no WAL breach)
   */
  private ServerExposure judge(
      ServerExposure next, Notifier notifier, Duration exposure, String what, Instant now) {
    String level =
        ServerExposure.DAILY_DUMP.equals(next.protection())
            ? LocationFreshness.OK
            : exposure == null || exposure.compareTo(RecoveryObjectives.RPO_MAXIMUM) > 0
                ? LocationFreshness.ABOVE_MAXIMUM
                : exposure.compareTo(RecoveryObjectives.RPO_TARGET) > 0
                    ? LocationFreshness.ABOVE_TARGET
                    : LocationFreshness.OK;
    String server = next.server();
    Map<String, String> details = new LinkedHashMap<>();
    details.put("server", server);
    details.put("source", String.valueOf(next.source()));
    details.put("exposure", exposure == null ? "unmeasured" : exposure.toString());
    details.put("failing", String.valueOf(next.failing()));
    details.put(
        "rpo",
        "target "
            + describe(RecoveryObjectives.RPO_TARGET)
            + ", maximum "
            + describe(RecoveryObjectives.RPO_MAXIMUM));
    String previous = next.level();
    boolean wasBreached = !LocationFreshness.OK.equals(previous);
    Instant breachSince = next.breachSince();
    int alerts = next.alerts();
    if (!level.equals(LocationFreshness.OK) && !wasBreached) {
      boolean maximum = level.equals(LocationFreshness.ABOVE_MAXIMUM);
      breachSince = now;
      alerts++;
      notifier.send(
          "breach-" + now.toEpochMilli(),
          maximum ? "critical" : "warning",
          "trigger",
          "WAL exposure: "
              + server
              + ": "
              + what
              + ", beyond the RPO "
              + (maximum ? "maximum" : "target")
              + "; an incident now would lose at least that much data",
          details);
      trail.record(FreshnessSteps.CHECK, "BREACH", server + ": " + what);
    } else if (level.equals(LocationFreshness.ABOVE_MAXIMUM)
        && LocationFreshness.ABOVE_TARGET.equals(previous)) {
      alerts++;
      notifier.send(
          "maximum-" + breachSince.toEpochMilli(),
          "critical",
          "trigger",
          "WAL exposure: "
              + server
              + ": "
              + what
              + ", now beyond the RPO maximum (breach since "
              + breachSince
              + ")",
          details);
      trail.record(FreshnessSteps.CHECK, "BREACH", server + ": beyond the maximum, " + what);
    } else if (level.equals(LocationFreshness.OK) && wasBreached) {
      alerts++;
      String now_ = what == null ? "it no longer archives WAL (its RPO is the daily dump's)" : what;
      notifier.send(
          "recovered-" + breachSince.toEpochMilli(),
          "info",
          "resolve",
          "WAL exposure: "
              + server
              + " is within the RPO target again: "
              + now_
              + " (breach from "
              + breachSince
              + ")",
          details);
      trail.record(
          FreshnessSteps.CHECK,
          StepRecord.SUCCEEDED,
          server + ": within the target again, " + now_);
      breachSince = null;
    }
    return next.toBuilder().level(level).breachSince(breachSince).alerts(alerts).build();
  }

  private static String cause(ActivityFailure e) {
    return e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
  }

  static String describe(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < 120) {
      return seconds + " s";
    }
    long minutes = d.toMinutes();
    return minutes >= 120
        ? (minutes / 60) + " h" + (minutes % 60 == 0 ? "" : " " + (minutes % 60) + " min")
        : minutes + " min";
  }
}
