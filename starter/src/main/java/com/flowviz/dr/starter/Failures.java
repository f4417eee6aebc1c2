package com.flowviz.dr.starter;

import com.flowviz.dr.activities.verify.VerificationReport;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tells the operator why a workflow failed: the innermost message, its type, and any report. */
final class Failures {
  private Failures() {}

  static int print(
      PrintWriter err,
      PrintWriter out,
      boolean json,
      String workflowId,
      WorkflowFailedException e) {
    ApplicationFailure application = null;
    boolean cancelled = false;
    String message = e.getMessage();
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure a && application == null) {
        application = a;
      }
      if (t instanceof CanceledFailure) {
        cancelled = true;
      }
      if (t instanceof TemporalFailure f) {
        message = f.getOriginalMessage();
      }
    }
    if (application != null) {
      message = application.getOriginalMessage();
    }
    VerificationReport report = null;
    if (application != null
        && application.getDetails() != null
        && application.getDetails().getSize() > 0) {
      try {
        report = application.getDetails().get(VerificationReport.class);
      } catch (RuntimeException ignored) {
        // details of another shape
      }
    }
    if (json) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("workflowId", workflowId);
      body.put("status", cancelled ? "CANCELLED" : "FAILED");
      body.put("failureType", application == null ? null : application.getType());
      body.put("message", message);
      body.put("verification", report);
      Output.json(out, body);
      return 1;
    }
    err.println(
        cancelled
            ? "CANCELLED"
            : "FAILED" + (application == null ? "" : " (" + application.getType() + ")"));
    err.println("  " + message);
    if (report != null) {
      err.println("  Verification of " + report.database() + ":");
      report
          .checks()
          .forEach(
              c ->
                  err.printf(
                      "    %s %-40s expected %s, found %s%n",
                      c.passed() ? "ok  " : "FAIL", c.name(), c.expected(), c.actual()));
    }
    if (workflowId != null) {
      err.println("  Workflow: " + workflowId + " (see its history in the Temporal UI)");
    }
    err.flush();
    return 1;
  }
}
