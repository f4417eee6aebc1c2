package com.flowviz.dr.workflows.incident;

import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.DurationInput;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.InstantInput;
import com.flowviz.dr.workflows.failover.DnsApproval;
import com.flowviz.dr.workflows.failover.FailoverRequest;
import java.time.Duration;
import java.time.Instant;

/** An incident request checked and completed with defaults, before anything is done. */
record IncidentPlan(
    String incidentId,
    Scenario scenario,
    Instant detectedAt,
    Instant damageStartedAt,
    String operator,
    String notes,
    String targetDatabase,
    String bucket,
    Duration decisionTimeout,
    FailoverRequest failover,
    Approvals approvals,
    Trigger trigger,
    Duration leaseWait) {

  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static Trigger checked(Trigger t) {
    if (t == null) {
      return null;
    }
    return new Trigger(
        InputValidation.freeText("trigger.source", t.source(), 50),
        InputValidation.freeText("trigger.alert", t.alert(), 300),
        InputValidation.freeText("trigger.firingSince", t.firingSince(), 50),
        InputValidation.freeText("trigger.description", t.description(), 2000),
        InputValidation.freeText("trigger.link", t.link(), 1000));
  }

  static IncidentPlan from(IncidentRequest request, String workflowId, Instant now) {
    if (request == null) {
      throw InputValidation.invalid(
          "An incident needs at least its scenario, e.g. {\"scenario\": \"database-corruption\"}.");
    }
    Scenario scenario = Scenario.parse(request.scenario());
    Instant detectedAt = InstantInput.parse("detectedAt", request.detectedAt());
    if (detectedAt == null) {
      detectedAt = now;
    }
    if (detectedAt.isAfter(now.plus(CLOCK_SKEW))) {
      throw InputValidation.invalid(
          "detectedAt "
              + detectedAt
              + " is in the future (now "
              + now
              + "); give when the incident was detected.");
    }
    Instant damageStartedAt = InstantInput.parse("damageStartedAt", request.damageStartedAt());
    if (damageStartedAt == null) {
      damageStartedAt = detectedAt;
    }
    if (damageStartedAt.isAfter(detectedAt)) {
      throw InputValidation.invalid(
          "damageStartedAt "
              + damageStartedAt
              + " is after detectedAt "
              + detectedAt
              + "; the damage cannot begin after it was seen.");
    }
    return new IncidentPlan(
        workflowId,
        scenario,
        detectedAt,
        damageStartedAt,
        InputValidation.operator(request.operator()),
        InputValidation.freeText("notes", request.notes(), 4000),
        InputValidation.databaseName(
            "targetDatabase",
            request.targetDatabase() == null ? Defaults.DATABASE : request.targetDatabase()),
        request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket()),
        DurationInput.parse(
            "decisionTimeout",
            request.decisionTimeout(),
            Duration.ofDays(1),
            Duration.ofMinutes(1),
            Duration.ofDays(30)),
        request.failover(),
        Approvals.checked(request.approvals()),
        checked(request.trigger()),
        DurationInput.parse(
            "waitForLease",
            request.waitForLease(),
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofDays(1)));
  }

  /** Why the procedures run, as their audit entries and summaries give it. */
  String reason() {
    return "incident "
        + incidentId
        + " ("
        + scenario.describe()
        + ")"
        + (notes.isEmpty() ? "" : ": " + notes);
  }

  /** 2.5: the failover options given, completed with the incident's database, operator and time. */
  FailoverRequest failoverRequest() {
    FailoverRequest f = failover != null ? failover : FailoverRequest.builder().build();
    return f.toBuilder()
        .direction("failover")
        .databaseName(f.databaseName() != null ? f.databaseName() : targetDatabase)
        .dnsApproval(dnsApproval(f))
        .operator(operator)
        .reason(reason())
        .incidentAt(f.incidentAt() != null ? f.incidentAt() : damageStartedAt.toString())
        .build();
  }

  /** An explicit choice in the failover options wins; otherwise the incident's approvals decide. */
  private DnsApproval dnsApproval(FailoverRequest f) {
    if (f.dnsApproval() != null || approvals.dnsSwitchRequired()) {
      return f.dnsApproval();
    }
    return new DnsApproval(
        DnsApproval.PRE_APPROVED,
        approvals.policy().isEmpty() ? operator : "policy " + approvals.policy());
  }
}
