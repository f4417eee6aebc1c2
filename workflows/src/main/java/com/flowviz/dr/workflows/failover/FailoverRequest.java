package com.flowviz.dr.workflows.failover;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Input of runbook 4.4, cross-region failover, and of its reverse, failback. The direction sets the
 * defaults; every role can be given explicitly.
 *
 * <pre>{@code
 * {
 *   "direction": "failover",
 *   "hostedZoneId": "Z0123456789ABCDEFGHIJ",
 *   "operator": "erin",
 *   "reason": "us-east-1 outage"
 * }
 * }</pre>
 *
 * <table>
 *   <tr><th></th><th>failover (default)</th><th>failback</th></tr>
 *   <tr><td>sourceBucket/Region (restore from)</td><td>flowviz-backups-prod-us-west-2, us-west-2</td><td>flowviz-backups, us-east-1</td></tr>
 *   <tr><td>compareBucket/Region (replication lag)</td><td>flowviz-backups, us-east-1</td><td>flowviz-backups-prod-us-west-2, us-west-2</td></tr>
 *   <tr><td>terraformWorkspace, targetRegion</td><td>prod-dr, us-west-2</td><td>prod, us-east-1</td></tr>
 *   <tr><td>dnsChangeBatch</td><td>dr-failover-dns.json</td><td>dr-failback-dns.json</td></tr>
 * </table>
 *
 * @param hostedZoneId Route53 zone; default the worker's flowviz.dns.hosted-zone-id
 * @param healthUrl probed after the switch, default https://api.flowviz.com/health
 * @param healthDeadline ISO-8601 duration, default PT10M
 * @param approvalTimeout how long a gate waits for a person, ISO-8601, default P1D
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record FailoverRequest(
    String direction,
    String sourceBucket,
    String sourceRegion,
    String compareBucket,
    String compareRegion,
    String terraformWorkspace,
    String targetRegion,
    String hostedZoneId,
    String dnsChangeBatch,
    String healthUrl,
    String healthDeadline,
    String databaseName,
    DnsApproval dnsApproval,
    String approvalTimeout,
    String operator,
    String reason,
    String incidentAt) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static FailoverRequestBuilder builder() {
    return FailoverRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public FailoverRequestBuilder toBuilder() {
    return FailoverRequestBuilder.builder(this);
  }

  /** A failover to the DR region with every role at its default. */
  public static FailoverRequest failover(String operator, String reason) {
    return builder().direction("failover").operator(operator).reason(reason).build();
  }
}
