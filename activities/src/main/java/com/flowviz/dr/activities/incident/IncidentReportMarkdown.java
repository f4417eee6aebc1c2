package com.flowviz.dr.activities.incident;

import com.flowviz.dr.activities.audit.AuditEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The incident report for people: what happened, when (UTC), and how it measured against the
 * runbook.
 */
final class IncidentReportMarkdown {
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private IncidentReportMarkdown() {}

  static String render(IncidentReport r) {
    StringBuilder md = new StringBuilder();
    md.append("# Incident report ").append(r.incidentId()).append("\n\n");
    md.append("| | |\n|---|---|\n");
    row(md, "Scenario", r.scenario());
    row(md, "Operator", r.operator());
    row(md, "Detected", time(r.detectedAt()));
    row(md, "Recovered", time(r.recoveredAt()));
    row(md, "Outcome", r.outcome());
    row(
        md,
        "Procedure",
        r.procedure()
            + (r.procedureWorkflowId() == null ? "" : " (workflow " + r.procedureWorkflowId() + ")")
            + (r.procedureOutcome() == null ? "" : ": " + r.procedureOutcome()));
    row(
        md,
        "Backup used",
        r.backupUsed() == null ? "-" : r.backupUsed() + ", taken " + time(r.backupTakenAt()));
    row(md, "Verification", r.verificationPassed() ? "passed" : "FAILED");
    row(
        md,
        "RTO achieved",
        duration(r.rtoAchieved()) + " (" + r.rtoVerdict() + "; target 15 min, maximum 1 h)");
    row(
        md,
        "RPO gap",
        duration(r.rpoGap()) + " (" + r.rpoVerdict() + "; target 2 h, maximum 24 h)");
    row(md, "Audit trail", r.auditChain());
    if (r.notes() != null && !r.notes().isBlank()) {
      md.append("\n## Notes\n\n").append(r.notes()).append("\n");
    }
    md.append("\n## Verification\n\n");
    if (r.verificationFindings().isEmpty()) {
      md.append("All checks passed.\n");
    } else {
      r.verificationFindings().forEach(f -> md.append("- ").append(f).append("\n"));
    }
    md.append("\n## Actions\n\n");
    if (r.actions() == null || r.actions().isEmpty()) {
      md.append("None beyond the procedure.\n");
    } else {
      r.actions().forEach(a -> md.append("- ").append(a).append("\n"));
    }
    md.append("\n## Data gaps (for regulatory review)\n\n");
    if (r.dataGaps().isEmpty()) {
      md.append("None beyond the RPO gap above.\n");
    } else {
      md.append("| Table | Gap |\n|---|---|\n");
      for (Map.Entry<String, String> gap : r.dataGaps().entrySet()) {
        md.append("| ").append(gap.getKey()).append(" | ").append(gap.getValue()).append(" |\n");
      }
    }
    md.append("\n## Post-recovery checks (runbook 6.1)\n\n");
    r.postRecoveryChecks().forEach(c -> md.append("- ").append(c).append("\n"));
    md.append(
        "\n"
            + "## Timeline (UTC)\n\n"
            + "| Time | Workflow | Step | Outcome | Details |\n"
            + "|---|---|---|---|---|\n");
    for (AuditEntry e : r.timeline() == null ? List.<AuditEntry>of() : r.timeline()) {
      md.append("| ")
          .append(time(e.at()))
          .append(" | ")
          .append(e.workflowId())
          .append(" | ")
          .append(e.step())
          .append(" | ")
          .append(e.outcome())
          .append(" | ")
          .append(e.details() == null ? "" : e.details().replace("|", "\\|").replace("\n", " "))
          .append(" |\n");
    }
    return md.toString();
  }

  private static void row(StringBuilder md, String name, String value) {
    md.append("| ")
        .append(name)
        .append(" | ")
        .append(value == null ? "-" : value.replace("|", "\\|"))
        .append(" |\n");
  }

  private static String time(Instant at) {
    return at == null ? "-" : UTC.format(at);
  }

  private static String duration(Duration d) {
    if (d == null) {
      return "-";
    }
    long minutes = d.toMinutes();
    return minutes < 60
        ? d.toSeconds() / 60 + " min " + d.toSeconds() % 60 + " s"
        : minutes / 60 + " h " + minutes % 60 + " min";
  }
}
