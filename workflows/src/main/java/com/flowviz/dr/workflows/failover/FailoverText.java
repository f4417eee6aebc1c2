package com.flowviz.dr.workflows.failover;

import com.flowviz.dr.activities.infra.StackOutputs;
import com.flowviz.dr.activities.verify.HealthObservation;
import com.flowviz.dr.activities.verify.HealthReport;
import com.flowviz.dr.workflows.RecoveryObjectives;
import com.flowviz.dr.workflows.restore.RestoreResult;

/** The words the failover uses in its steps, questions and audit entries. */
final class FailoverText {
  private FailoverText() {}

  static String freshness(FreshnessReport f) {
    return "newest backup " + f.source().newest().key() + " is " + hours(f.age()) + " old (" + f.rpo().verdict() + ": target "
        + hours(RecoveryObjectives.RPO_TARGET) + ", maximum " + hours(RecoveryObjectives.RPO_MAXIMUM) + ")"
        + (f.replicationLag() == null
            ? "; s3://" + f.compared().bucket() + " (" + f.compared().region() + ") could not be compared: "
                + (f.compared().reachable() ? "no backups" : f.compared().problem())
            : "; replication lags s3://" + f.compared().bucket() + " by " + hours(f.replicationLag()));
  }

  /** The finding when the other region's bucket cannot be read: during 2.5 that region is the one that is down. */
  static String comparisonSkipped(FreshnessReport f, FailoverPlan plan) {
    return f.compared().region() + " unreachable: replication lag not measured, s3://" + f.compared().bucket() + " could not be read ("
        + f.compared().problem() + "); the " + plan.direction() + " goes on from s3://" + plan.sourceBucket() + " in " + plan.sourceRegion()
        + ", whose newest backup is " + hours(f.age()) + " old";
  }

  static String staleQuestion(FreshnessReport f, FailoverPlan plan) {
    return "The newest backup in s3://" + plan.sourceBucket() + " (" + f.source().newest().key() + ") is " + hours(f.age())
        + " old, beyond the RPO maximum of " + hours(RecoveryObjectives.RPO_MAXIMUM) + ": restoring it loses "
        + hours(f.rpo().gap()) + " of data. Approve to " + plan.direction() + " anyway, or reject to stop with nothing changed.";
  }

  static String dnsQuestion(FailoverPlan plan, StackOutputs stack, RestoreResult restored) {
    return "The " + plan.targetRegion() + " stack is up and holds " + restored.backup().key() + " (verification "
        + (restored.verification().passed() ? "passed" : "FAILED") + "). Approve to switch DNS with " + plan.changeBatch()
        + " (outputs " + stack.outputs() + "), or reject to leave DNS as it is.";
  }

  static String decision(Decision d) {
    if (d == null) {
      return "no decision before the approval timeout";
    }
    return (d.approve() ? "approved" : "rejected") + " by " + d.by() + (d.comment() == null || d.comment().isBlank() ? "" : ": " + d.comment());
  }

  static String health(HealthReport h) {
    if (h.healthy()) {
      return h.url() + " healthy after " + h.healthyAfterMillis() + " ms, " + h.probes() + " probes";
    }
    HealthObservation last = h.observations().isEmpty() ? null : h.observations().get(h.observations().size() - 1);
    return h.url() + " never healthy in " + h.probes() + " probes"
        + (last == null ? "" : "; last answer: " + (last.status() == 0 ? "" : "HTTP " + last.status() + " ") + last.detail());
  }

  static String hours(java.time.Duration d) {
    long minutes = d.toMinutes();
    return minutes < 60 ? minutes + "m" : (minutes / 60) + "h " + String.format("%02dm", minutes % 60);
  }
}
