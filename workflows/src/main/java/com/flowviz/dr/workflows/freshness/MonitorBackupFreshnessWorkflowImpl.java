package com.flowviz.dr.workflows.freshness;

import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.BucketFreshness;
import com.flowviz.dr.workflows.RecoveryObjectives;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Notifier;
import com.flowviz.dr.workflows.common.StepRecord;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class MonitorBackupFreshnessWorkflowImpl implements MonitorBackupFreshnessWorkflow {

  private final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);
  private final Map<String, LocationFreshness> locations = new LinkedHashMap<>();
  private final Map<String, Notifier> notifiers = new LinkedHashMap<>();
  private final Map<String, ServerExposure> servers = new LinkedHashMap<>();
  private final Map<String, Notifier> serverNotifiers = new LinkedHashMap<>();
  private boolean checkRequested;

  @Override
  public void monitor(FreshnessMonitorRequest input) {
    FreshnessMonitorRequest request =
        input == null ? FreshnessMonitorRequest.builder().build() : input;
    FreshnessPlan plan = FreshnessPlan.from(request);
    Duration interval = plan.interval();
    int checksPerRun = plan.checksPerRun();
    String operator = plan.operator();
    List<String> given = plan.given();
    for (LocationFreshness parsed : plan.locations()) {
      locations.put(parsed.location(), parsed);
    }
    if (request.state() != null) {
      for (LocationFreshness carried : request.state()) {
        locations.computeIfPresent(carried.location(), (k, fresh) -> carried);
      }
    }
    AuditTrail trail = new AuditTrail(operator);
    for (LocationFreshness l : locations.values()) {
      notifiers.put(
          l.location(),
          new Notifier(
              trail,
              FreshnessSteps.NOTIFIER_PREFIX + l.bucket() + "-" + l.prefix().replace('/', '-')));
    }
    // Runs started before WAL archiving existed keep doing exactly what they did.
    boolean watchWal =
        Workflow.getVersion("wal-exposure", Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
    WalExposureCheck walCheck = null;
    if (watchWal) {
      walCheck = new WalExposureCheck(trail, plan.walBucket(), plan.walRegion());
      for (String server : plan.servers()) {
        servers.put(server, ServerExposure.unchecked(server));
        serverNotifiers.put(server, new Notifier(trail, WalExposureCheck.notifierId(server)));
      }
      if (request.walState() != null) {
        for (ServerExposure carried : request.walState()) {
          servers.computeIfPresent(carried.server(), (k, fresh) -> carried);
        }
      }
    }

    for (int check = 0; check < checksPerRun; check++) {
      for (String location : List.copyOf(locations.keySet())) {
        locations.put(location, check(locations.get(location), trail));
      }
      if (walCheck != null) {
        for (String server : List.copyOf(servers.keySet())) {
          servers.put(server, walCheck.check(servers.get(server), serverNotifiers.get(server)));
        }
      }
      Workflow.await(interval, () -> checkRequested);
      checkRequested = false;
    }
    // Bounded history: the open breaches go on in the next run, so nobody is told twice.
    for (Notifier n : notifiers.values()) {
      n.awaitDeliveries(Duration.ofMinutes(5));
    }
    for (Notifier n : serverNotifiers.values()) {
      n.awaitDeliveries(Duration.ofMinutes(5));
    }
    trail.awaitAll();
    FreshnessMonitorRequestBuilder next =
        FreshnessMonitorRequest.builder()
            .locations(given)
            .checkInterval(interval.toString())
            .operator(operator)
            .checksPerRun(checksPerRun)
            .state(List.copyOf(locations.values()));
    if (watchWal) {
      next.archivingServers(plan.servers())
          .walBucket(
              plan.walRegion() == null
                  ? plan.walBucket()
                  : plan.walBucket() + "@" + plan.walRegion())
          .walState(List.copyOf(servers.values()));
    }
    Workflow.continueAsNew(next.build());
  }

  private LocationFreshness check(LocationFreshness last, AuditTrail trail) {
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    BucketFreshness found = storage.newestBackup(last.bucket(), last.region(), last.prefix());
    Notifier notifier = notifiers.get(last.location());
    String where = "s3://" + last.bucket() + "/" + last.prefix();
    int alerts = last.alerts();
    if (!found.reachable()) {
      Instant since = last.unreadableSince();
      if (since == null) {
        since = now;
        alerts++;
        notifier.send(
            "unreadable-" + now.toEpochMilli(),
            "warning",
            "trigger",
            "Backup freshness: "
                + where
                + " cannot be read ("
                + found.problem()
                + "); its RPO exposure is unknown",
            Map.of("location", where));
        trail.record(
            FreshnessSteps.CHECK, StepRecord.FAILED, where + " cannot be read: " + found.problem());
      }
      // An unreadable bucket leaves what was known of its breach as it was.
      return new LocationFreshness(
          last.location(),
          last.bucket(),
          last.prefix(),
          last.region(),
          last.newestKey(),
          last.newestTakenAt(),
          last.newestTakenAt() == null ? null : Duration.between(last.newestTakenAt(), now),
          last.level(),
          last.breachSince(),
          since,
          now,
          alerts);
    }
    Instant taken = found.newest() == null ? null : found.newest().takenAt();
    Duration age = taken == null ? null : Duration.between(taken, now);
    String level =
        age == null || age.compareTo(RecoveryObjectives.RPO_MAXIMUM) > 0
            ? LocationFreshness.ABOVE_MAXIMUM
            : age.compareTo(RecoveryObjectives.RPO_TARGET) > 0
                ? LocationFreshness.ABOVE_TARGET
                : LocationFreshness.OK;
    String newest =
        taken == null
            ? "no backup at all"
            : "the newest backup " + found.newest().key() + " is " + hours(age) + " old";
    Instant breachSince = last.breachSince();
    Map<String, String> details = new LinkedHashMap<>();
    details.put("location", where);
    details.put("newest", taken == null ? "none" : found.newest().key() + " taken " + taken);
    details.put(
        "rpo",
        "target "
            + hours(RecoveryObjectives.RPO_TARGET)
            + ", maximum "
            + hours(RecoveryObjectives.RPO_MAXIMUM));
    boolean wasBreached = !LocationFreshness.OK.equals(last.level());
    if (!level.equals(LocationFreshness.OK) && !wasBreached) {
      breachSince = now;
      alerts++;
      boolean maximum = level.equals(LocationFreshness.ABOVE_MAXIMUM);
      notifier.send(
          "breach-" + now.toEpochMilli(),
          maximum ? "critical" : "warning",
          "trigger",
          "Backup freshness: "
              + newest
              + " in "
              + where
              + ", beyond the RPO "
              + (maximum ? "maximum" : "target")
              + "; an incident now would lose at least that much data",
          details);
      trail.record(FreshnessSteps.CHECK, "BREACH", where + ": " + newest);
    } else if (level.equals(LocationFreshness.ABOVE_MAXIMUM)
        && LocationFreshness.ABOVE_TARGET.equals(last.level())) {
      alerts++;
      notifier.send(
          "maximum-" + breachSince.toEpochMilli(),
          "critical",
          "trigger",
          "Backup freshness: "
              + newest
              + " in "
              + where
              + ", now beyond the RPO maximum (breach since "
              + breachSince
              + ")",
          details);
      trail.record(FreshnessSteps.CHECK, "BREACH", where + ": beyond the maximum, " + newest);
    } else if (level.equals(LocationFreshness.OK) && wasBreached) {
      alerts++;
      notifier.send(
          "recovered-" + breachSince.toEpochMilli(),
          "info",
          "resolve",
          "Backup freshness: "
              + where
              + " is within the RPO target again: "
              + newest
              + " (breach from "
              + breachSince
              + ")",
          details);
      trail.record(
          FreshnessSteps.CHECK,
          StepRecord.SUCCEEDED,
          where + ": within the target again, " + newest);
      breachSince = null;
    }
    return new LocationFreshness(
        last.location(),
        last.bucket(),
        last.prefix(),
        last.region(),
        taken == null ? null : found.newest().key(),
        taken,
        age,
        level,
        breachSince,
        null,
        now,
        alerts);
  }

  static LocationFreshness parse(String location) {
    BackupLocation l = BackupLocation.parse(location);
    // Nothing is known until the first check: taken as within the target, so a breach found then is
    // news.
    return new LocationFreshness(
        location,
        l.bucket(),
        l.prefix(),
        l.region(),
        null,
        null,
        null,
        LocationFreshness.OK,
        null,
        null,
        null,
        0);
  }

  private static String hours(Duration d) {
    long minutes = d.toMinutes();
    return minutes >= 120
        ? (minutes / 60) + " h" + (minutes % 60 == 0 ? "" : " " + (minutes % 60) + " min")
        : minutes + " min";
  }

  @Override
  public List<LocationFreshness> status() {
    return new ArrayList<>(locations.values());
  }

  @Override
  public List<ServerExposure> walExposure() {
    return new ArrayList<>(servers.values());
  }

  @Override
  public void checkNow() {
    checkRequested = true;
  }
}
