package com.flowviz.dr.workflows.failover;

import com.flowviz.dr.activities.infra.StackOutputs;
import com.flowviz.dr.activities.verify.HealthObservation;
import com.flowviz.dr.activities.verify.HealthReport;
import com.flowviz.dr.workflows.RecoveryObjectives;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.time.Duration;

/** The words the failover uses in its steps, questions and audit entries. */
final class FailoverText {
  private FailoverText() {}

  static String freshness(FreshnessReport f) {
    return "newest backup "
        + f.source().newest().key()
        + " is "
        + hours(f.age())
        + " old ("
        + f.rpo().verdict()
        + ": target "
        + hours(RecoveryObjectives.RPO_TARGET)
        + ", maximum "
        + hours(RecoveryObjectives.RPO_MAXIMUM)
        + ")"
        + (f.replicationLag() == null
            ? "; s3://"
                + f.compared().bucket()
                + " ("
                + f.compared().region()
                + ") could not be compared: "
                + (f.compared().reachable() ? "no backups" : f.compared().problem())
            : "; replication lags s3://"
                + f.compared().bucket()
                + " by "
                + hours(f.replicationLag()));
  }

  /**
   * The finding when the other region's bucket cannot be read: during 2.5 that region is the one
   * that is down.
   */
  static String comparisonSkipped(FreshnessReport f, FailoverPlan plan) {
    return f.compared().region()
        + " unreachable: replication lag not measured, s3://"
        + f.compared().bucket()
        + " could not be read ("
        + f.compared().problem()
        + "); the "
        + plan.direction()
        + " goes on from s3://"
        + plan.sourceBucket()
        + " in "
        + plan.sourceRegion()
        + ", whose newest backup is "
        + hours(f.age())
        + " old";
  }

  static String staleQuestion(FreshnessReport f, FailoverPlan plan) {
    return "The newest backup in s3://"
        + plan.sourceBucket()
        + " ("
        + f.source().newest().key()
        + ") is "
        + hours(f.age())
        + " old, beyond the RPO maximum of "
        + hours(RecoveryObjectives.RPO_MAXIMUM)
        + ": restoring it loses "
        + hours(f.rpo().gap())
        + " of data. Approve to "
        + plan.direction()
        + " anyway, or reject to stop with nothing changed.";
  }

  /**
   * What a failback would lose, or null when nothing shows it would. The signal is the newest
   * backup on each side, by the time in its key (a replica keeps its original's key, so a backup
   * copied from the DR side to the primary counts as the same backup): both buckets are read
   * anyway, neither database needs to be reached, and the time is the one the operator's restore
   * would go back to. A DR backup newer than the primary's newest means everything the DR side
   * wrote between the two is lost, and what it wrote after its own newest backup too (which no
   * bucket can show: "at least"). A DR side whose backups cannot be read or that has none cannot
   * show that nothing is lost, so it is held as well.
   */
  static String failbackLoss(FreshnessReport f, FailoverPlan plan) {
    String primary = f.source().newest().key() + " (taken " + f.source().newest().takenAt() + ")";
    if (!f.compared().reachable() || f.compared().newest() == null) {
      return "the DR side's backups in s3://"
          + f.compared().bucket()
          + " ("
          + f.compared().region()
          + ") "
          + (f.compared().reachable()
              ? "are none"
              : "cannot be read (" + f.compared().problem() + ")")
          + ", so nothing shows what the DR database wrote after the primary's newest backup "
          + primary
          + "; restoring that backup loses all of it";
    }
    Duration newer = f.replicationLag();
    if (newer.compareTo(Duration.ZERO) <= 0) {
      return null;
    }
    String span = newer.toMinutes() == 0 ? newer.toSeconds() + "s" : hours(newer);
    return "the DR side's newest backup "
        + f.compared().newest().key()
        + " (taken "
        + f.compared().newest().takenAt()
        + ") is "
        + span
        + " newer than the primary's newest backup "
        + primary
        + ": restoring the primary's loses at least"
        + " every write the DR database made in those "
        + span
        + ", and any since its newest backup";
  }

  static String failbackLossQuestion(String loss, FailoverPlan plan) {
    return "This failback would restore s3://"
        + plan.sourceBucket()
        + " ("
        + plan.sourceRegion()
        + ") while "
        + loss
        + ". Take a backup of"
        + " the DR database into s3://"
        + plan.sourceBucket()
        + " (or copy the DR bucket's newest there) and start the failback again,"
        + " or approve to accept that loss.";
  }

  static String dnsQuestion(FailoverPlan plan, StackOutputs stack, RestoreResult restored) {
    return "The "
        + plan.targetRegion()
        + " stack is up and holds "
        + restored.backup().key()
        + " (verification "
        + (restored.verification().passed() ? "passed" : "FAILED")
        + "). Approve to switch DNS with "
        + plan.changeBatch()
        + " (outputs "
        + stack.outputs()
        + "), or reject to leave DNS as it is.";
  }

  static String decision(Decision d) {
    if (d == null) {
      return "no decision before the approval timeout";
    }
    return (d.approve() ? "approved" : "rejected")
        + " by "
        + d.by()
        + (d.comment() == null || d.comment().isBlank() ? "" : ": " + d.comment());
  }

  static String health(HealthReport h) {
    if (h.healthy()) {
      return h.url()
          + " healthy after "
          + h.healthyAfterMillis()
          + " ms, "
          + h.probes()
          + " probes";
    }
    HealthObservation last =
        h.observations().isEmpty() ? null : h.observations().get(h.observations().size() - 1);
    return h.url()
        + " never healthy in "
        + h.probes()
        + " probes"
        + (last == null
            ? ""
            : "; last answer: "
                + (last.status() == 0 ? "" : "HTTP " + last.status() + " ")
                + last.detail());
  }

  static String hours(Duration d) {
    long minutes = d.toMinutes();
    return minutes < 60
        ? minutes + "m"
        : (minutes / 60) + "h " + String.format("%02dm", minutes % 60);
  }
}
