package com.flowviz.dr.starter;

import com.flowviz.dr.activities.storage.LifecycleRule;
import com.flowviz.dr.activities.storage.RetentionFinding;
import com.flowviz.dr.activities.storage.RetentionReport;
import com.flowviz.dr.workflows.catalog.CheckBackupRetentionWorkflow;
import com.flowviz.dr.workflows.catalog.RetentionCheckRequest;
import io.temporal.client.WorkflowFailedException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "retention",
    description =
        "Check the bucket's lifecycle rules against the retention table of runbook section 7. Exit"
            + " 4 when they do not comply.")
class RetentionCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Mixin BucketOption bucket;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      RetentionReport report =
          temporal
              .answering(CheckBackupRetentionWorkflow.class, "check-retention-")
              .check(RetentionCheckRequest.builder().bucket(bucket.bucket).build());
      if (output.json) {
        Output.json(out, report);
      } else {
        out.println(
            "Retention of s3://"
                + report.bucket()
                + ": "
                + (report.compliant()
                    ? "COMPLIANT with runbook section 7"
                    : "NOT COMPLIANT with runbook section 7"));
        out.println("  Lifecycle rules: " + (report.rules().isEmpty() ? "none" : ""));
        for (LifecycleRule rule : report.rules()) {
          out.printf(
              "    %-24s prefix %-12s %-8s transitions %s, expiration %s%s%n",
              rule.id(),
              "\"" + rule.prefix() + "\"",
              rule.enabled() ? "enabled" : "DISABLED",
              rule.transitions().isEmpty()
                  ? "none"
                  : rule.transitions().stream()
                      .map(t -> t.days() + "d -> " + t.storageClass())
                      .collect(Collectors.joining(", ")),
              rule.expirationDays() == null ? "never" : rule.expirationDays() + " days",
              rule.abortIncompleteMultipartUploadDays() == null
                  ? ""
                  : ", incomplete uploads aborted after "
                      + rule.abortIncompleteMultipartUploadDays()
                      + " days");
        }
        out.println("  Findings:");
        for (RetentionFinding f : report.findings()) {
          out.printf("    %-9s %-8s %s%n", f.severity(), f.prefix(), f.finding());
        }
      }
      out.flush();
      return report.compliant() ? 0 : 4;
    } catch (WorkflowFailedException e) {
      return Failures.print(spec.commandLine().getErr(), out, output.json, null, e);
    } finally {
      temporal.close();
    }
  }
}
