package com.flowviz.dr.workflows.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The tasks of runbook 6.2 (within 24 hours) and 6.3 (compliance, within 7 days). */
final class FollowUpTasks {
  static final String DAY = "24h";
  static final String WEEK = "7d";

  private FollowUpTasks() {}

  static List<FollowUpTask> forIncident(FollowUpRequest r) {
    Instant day = r.recoveredAt().plus(Duration.ofHours(24));
    Instant week = r.recoveredAt().plus(Duration.ofDays(7));
    return List.of(
        task(
            "incident-report",
            "Complete the incident report",
            DAY,
            "draft at " + r.reportUri(),
            day),
        task(
            "backup-timing-review",
            "Review backup timing vs. the incident",
            DAY,
            r.rpoSummary(),
            day),
        task("lost-transactions", "Identify any lost transactions", DAY, r.dataGapSummary(), day),
        task("runbook-update", "Update the runbook if needed", DAY, null, day),
        task(
            "haccp-incident-filing",
            "File the HACCP incident report if food safety data was affected",
            WEEK,
            "FDA 1-866-300-4374; State Department of Agriculture",
            week),
        task(
            "regulatory-data-gaps",
            "Document any data gaps for regulatory review",
            WEEK,
            r.dataGapSummary(),
            week),
        task(
            "objectives-review",
            "Review and update RTO/RPO targets if needed",
            WEEK,
            r.rpoSummary(),
            week),
        task("review-meeting", "Schedule the post-incident review meeting", WEEK, null, week));
  }

  private static FollowUpTask task(
      String id, String title, String window, String hint, Instant deadline) {
    return FollowUpTask.builder()
        .id(id)
        .title(title)
        .window(window)
        .hint(hint)
        .deadline(deadline)
        .build();
  }
}
