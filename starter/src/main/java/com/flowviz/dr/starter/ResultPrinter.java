package com.flowviz.dr.starter;

import com.flowviz.dr.activities.verify.TableCount;
import com.flowviz.dr.activities.verify.VerificationCheck;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.io.PrintWriter;

/** The outcome of a restore, for the operator. */
final class ResultPrinter {
  private ResultPrinter() {}

  static void print(PrintWriter out, String workflowId, RestoreResult r) {
    out.println();
    out.println(
        "Result: "
            + r.outcome()
            + "   (workflow "
            + workflowId
            + ", "
            + Output.duration(r.elapsed())
            + ")");
    out.println(
        "  Backup used:    " + r.backup().uri() + ", taken " + Output.time(r.backup().takenAt()));
    out.println("  Live database:  " + r.targetDatabase() + " now holds the verified backup data");
    out.println(
        "  Replaced data:  "
            + (r.replacedDatabase() == null
                ? "(no live database existed)"
                : r.replacedDatabase() + " (kept for forensics)"));
    out.println(
        "  RPO gap:        "
            + Output.duration(r.rpo().gap())
            + " of data after the backup is not in it ("
            + r.rpo().verdict()
            + "; target "
            + Output.duration(r.rpo().target())
            + ", maximum "
            + Output.duration(r.rpo().maximum())
            + ")");
    long passed = r.verification().checks().stream().filter(VerificationCheck::passed).count();
    out.println(
        "  Verification:   "
            + (r.verification().passed() ? "PASSED" : "FAILED")
            + ", "
            + passed
            + "/"
            + r.verification().checks().size()
            + " checks"
            + (r.verification().comparedWithManifest()
                ? " against the backup manifest"
                : " (no manifest: runbook checks only)"));
    out.printf("    %-22s %12s %12s  %s%n", "table", "rows", "manifest", "newest created_at");
    for (TableCount t : r.verification().tableCounts()) {
      out.printf(
          "    %-22s %12d %12s  %s%n",
          t.table(),
          t.rows(),
          t.expectedRows() == null ? "-" : t.expectedRows().toString(),
          Output.time(t.newestCreatedAt()));
    }
    if (!r.verification().qcDecisionsByType().isEmpty()) {
      out.println("    QC decisions by type: " + r.verification().qcDecisionsByType());
    }
    for (String finding : r.verification().findings()) {
      out.println("    Finding: " + finding);
    }
    if (!r.verification().latestLots().isEmpty()) {
      out.println(
          "    Newest lot: "
              + r.verification().latestLots().get(0).lotCode()
              + " created "
              + Output.time(r.verification().latestLots().get(0).createdAt()));
    }
    out.println(
        "  Application:    restart "
            + (r.restart().configured()
                ? r.restart().command() + " (exit " + r.restart().exitCode() + ")"
                : "not configured")
            + "; connectivity "
            + (!r.connectivity().configured()
                ? "not configured"
                : r.connectivity().healthy()
                    ? "healthy"
                    : "UNHEALTHY " + r.connectivity().endpoints()));
    out.flush();
  }
}
