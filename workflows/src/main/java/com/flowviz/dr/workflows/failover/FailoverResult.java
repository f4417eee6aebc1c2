package com.flowviz.dr.workflows.failover;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.dns.DnsChange;
import com.flowviz.dr.activities.infra.StackOutputs;
import com.flowviz.dr.activities.verify.HealthReport;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.util.List;

/**
 * @param outcome SWITCHED (DNS points at the new region and it is healthy), SWITCHED_UNHEALTHY (DNS
 *     switched, the health check never passed; DNS is not flipped back automatically),
 *     DNS_SWITCH_REJECTED, STALE_BACKUP_REJECTED, FAILBACK_DATA_LOSS_REJECTED (a failback that
 *     would have lost the DR side's newer data was refused), or APPROVAL_TIMED_OUT
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record FailoverResult(
    String direction,
    String outcome,
    FreshnessReport freshness,
    StackOutputs stack,
    RestoreResult restore,
    DnsChange dns,
    HealthReport health,
    List<Decision> decisions,
    List<StepRecord> steps,
    Duration elapsed) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static FailoverResultBuilder builder() {
    return FailoverResultBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public FailoverResultBuilder toBuilder() {
    return FailoverResultBuilder.builder(this);
  }

  public static final String SWITCHED = "SWITCHED";
  public static final String SWITCHED_UNHEALTHY = "SWITCHED_UNHEALTHY";
  public static final String DNS_SWITCH_REJECTED = "DNS_SWITCH_REJECTED";
  public static final String STALE_BACKUP_REJECTED = "STALE_BACKUP_REJECTED";
  public static final String FAILBACK_DATA_LOSS_REJECTED = "FAILBACK_DATA_LOSS_REJECTED";
  public static final String APPROVAL_TIMED_OUT = "APPROVAL_TIMED_OUT";
}
