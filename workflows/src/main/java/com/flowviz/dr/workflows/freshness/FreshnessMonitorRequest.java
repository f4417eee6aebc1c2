package com.flowviz.dr.workflows.freshness;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * Input of the backup freshness monitor. Every field may be left out.
 *
 * <pre>{@code
 * {"locations": ["flowviz-backups/daily/", "flowviz-backups-prod-us-west-2/daily/@us-west-2"], "checkInterval": "PT10M",
 *  "archivingServers": ["production"], "walBucket": "flowviz-backups"}
 * }</pre>
 *
 * @param locations "bucket/prefix" or "bucket/prefix@region"; default the runbook's daily prefix in
 *     the primary bucket and in the DR bucket
 * @param checkInterval ISO-8601 duration between checks, default PT10M (1 min to 6 h)
 * @param checksPerRun checks before the monitor continues as a new run (bounded history), default
 *     144
 * @param state what the previous run knew (open breaches), carried across continue-as-new; not for
 *     people
 * @param archivingServers servers whose WAL exposure is watched ("production", "instance:<name>",
 *     "stack:<workspace>"), default ["production"]: the server's archive lag against the same RPO,
 *     or, while it cannot be read, the age of its newest WAL in {@code walBucket}. A server that
 *     does not archive is recorded once as protected by the daily dump only, never alerted on
 * @param walBucket "bucket" or "bucket@region" of the WAL archive, default the runbook's primary
 *     bucket
 * @param walState what the previous run knew of each server (see {@link ServerExposure}); not for
 *     people
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record FreshnessMonitorRequest(
    List<String> locations,
    String checkInterval,
    String operator,
    Integer checksPerRun,
    List<LocationFreshness> state,
    List<String> archivingServers,
    String walBucket,
    List<ServerExposure> walState) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static FreshnessMonitorRequestBuilder builder() {
    return FreshnessMonitorRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public FreshnessMonitorRequestBuilder toBuilder() {
    return FreshnessMonitorRequestBuilder.builder(this);
  }
}
