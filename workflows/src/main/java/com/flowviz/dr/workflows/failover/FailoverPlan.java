package com.flowviz.dr.workflows.failover;

import com.flowviz.dr.activities.verify.HealthUrls;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.DurationInput;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.InstantInput;
import com.flowviz.dr.workflows.RegionInput;
import io.temporal.workflow.Workflow;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A failover or failback request with the roles filled in from its direction, checked before
 * anything runs.
 */
record FailoverPlan(
    boolean failback,
    String sourceBucket,
    String sourceRegion,
    String compareBucket,
    String compareRegion,
    String workspace,
    String targetRegion,
    String hostedZoneId,
    String changeBatch,
    String healthUrl,
    Duration healthDeadline,
    String database,
    boolean preApproved,
    String preApprovedBy,
    Duration approvalTimeout,
    String operator,
    String reason,
    Instant incidentAt) {

  static final String PRIMARY_REGION = "us-east-1";
  static final String DR_REGION = "us-west-2";
  private static final Pattern WORKSPACE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern ZONE = Pattern.compile("[A-Z0-9]{1,32}");
  private static final Pattern BATCH = Pattern.compile("[A-Za-z0-9._-]{1,100}\\.json");

  static FailoverPlan from(FailoverRequest request, Instant now) {
    if (request == null) {
      request = FailoverRequest.builder().build();
    }
    String direction =
        request.direction() == null ? "failover" : request.direction().trim().toLowerCase();
    if (!direction.equals("failover") && !direction.equals("failback")) {
      throw InputValidation.invalid(
          "direction \""
              + InputValidation.printable(request.direction())
              + "\" is neither failover nor failback.");
    }
    boolean failback = direction.equals("failback");
    String primaryBucket = Defaults.BUCKET;
    String drBucket = Defaults.DR_BUCKET;
    String sourceBucket =
        bucket("sourceBucket", request.sourceBucket(), failback ? primaryBucket : drBucket);
    String sourceRegion =
        region("sourceRegion", request.sourceRegion(), failback ? PRIMARY_REGION : DR_REGION);
    String compareBucket =
        bucket("compareBucket", request.compareBucket(), failback ? drBucket : primaryBucket);
    String compareRegion =
        region("compareRegion", request.compareRegion(), failback ? DR_REGION : PRIMARY_REGION);
    String workspace =
        request.terraformWorkspace() == null
            ? (failback ? "prod" : "prod-dr")
            : request.terraformWorkspace();
    if (!WORKSPACE.matcher(workspace).matches()) {
      throw InputValidation.invalid(
          "terraformWorkspace \""
              + InputValidation.printable(workspace)
              + "\" is not a workspace name (a-z, 0-9, '-', '_').");
    }
    String targetRegion =
        region("targetRegion", request.targetRegion(), failback ? PRIMARY_REGION : DR_REGION);
    if (request.hostedZoneId() != null && !ZONE.matcher(request.hostedZoneId()).matches()) {
      throw InputValidation.invalid(
          "hostedZoneId \""
              + InputValidation.printable(request.hostedZoneId())
              + "\" is not a Route53 zone id (like Z0123456789ABC).");
    }
    String batch =
        request.dnsChangeBatch() == null
            ? (failback ? "dr-failback-dns.json" : "dr-failover-dns.json")
            : request.dnsChangeBatch();
    if (!BATCH.matcher(batch).matches()) {
      throw InputValidation.invalid(
          "dnsChangeBatch \""
              + InputValidation.printable(batch)
              + "\" is not the file name of a change batch (like dr-failover-dns.json); paths are"
              + " not accepted.");
    }
    String healthUrl =
        request.healthUrl() == null ? "https://api.flowviz.com/health" : request.healthUrl();
    URI healthUri;
    try {
      healthUri = URI.create(healthUrl);
      if (!("http".equals(healthUri.getScheme()) || "https".equals(healthUri.getScheme()))
          || healthUri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw InputValidation.invalid(
          "healthUrl \"" + InputValidation.printable(healthUrl) + "\" is not an http(s) URL.");
    }
    if (request.healthUrl() != null
        && Workflow.getVersion("failover-health-url-rules", Workflow.DEFAULT_VERSION, 1) >= 1) {
      String problem = HealthUrls.problem(healthUri);
      if (problem != null) {
        throw InputValidation.invalid(
            "healthUrl \""
                + InputValidation.printable(healthUrl)
                + "\" "
                + problem
                + ". Give the public health URL of the application, on a host in the worker's"
                + " flowviz.failover.health-hosts.");
      }
    }
    boolean preApproved = false;
    String preApprovedBy = null;
    if (request.dnsApproval() != null && request.dnsApproval().mode() != null) {
      String mode = request.dnsApproval().mode().trim().toLowerCase();
      if (mode.equals(DnsApproval.PRE_APPROVED)) {
        if (request.dnsApproval().by() == null || request.dnsApproval().by().isBlank()) {
          throw InputValidation.invalid(
              "dnsApproval pre-approved needs \"by\": the policy or person that approves in"
                  + " advance.");
        }
        preApproved = true;
        preApprovedBy = InputValidation.freeText("dnsApproval.by", request.dnsApproval().by(), 200);
      } else if (!mode.equals(DnsApproval.REQUIRED)) {
        throw InputValidation.invalid(
            "dnsApproval.mode \""
                + InputValidation.printable(request.dnsApproval().mode())
                + "\" is neither required nor pre-approved.");
      }
    }
    Instant incidentAt = InstantInput.parse("incidentAt", request.incidentAt());
    return new FailoverPlan(
        failback,
        sourceBucket,
        sourceRegion,
        compareBucket,
        compareRegion,
        workspace,
        targetRegion,
        request.hostedZoneId(),
        batch,
        healthUrl,
        DurationInput.parse(
            "healthDeadline",
            request.healthDeadline(),
            Duration.ofMinutes(10),
            Duration.ofSeconds(1),
            Duration.ofHours(2)),
        InputValidation.databaseName(
            "databaseName",
            request.databaseName() == null ? Defaults.DATABASE : request.databaseName()),
        preApproved,
        preApprovedBy,
        DurationInput.parse(
            "approvalTimeout",
            request.approvalTimeout(),
            Duration.ofDays(1),
            Duration.ofSeconds(1),
            Duration.ofDays(14)),
        InputValidation.operator(request.operator()),
        InputValidation.freeText("reason", request.reason(), 2000),
        incidentAt == null ? now : incidentAt);
  }

  String direction() {
    return failback ? "failback" : "failover";
  }

  private static String bucket(String field, String value, String fallback) {
    return value == null ? fallback : InputValidation.bucketName(field, value);
  }

  private static String region(String field, String value, String fallback) {
    return value == null ? fallback : RegionInput.validate(field, value);
  }
}
