package com.flowviz.dr.workflows.newinstance;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Input of runbook 4.3, restore to a new instance. Every field may be left out.
 *
 * <pre>{@code
 * {
 *   "backupKey": "latest",
 *   "databaseName": "flowviz",
 *   "operator": "dave",
 *   "reason": "primary instance lost its disk"
 * }
 * }</pre>
 *
 * @param instanceName default {@code flowviz-db-<8 hex of the workflow id>}: a rerun of the same
 *     workflow finds the same instance
 * @param region for provisioners that place instances in regions (terraform)
 * @param keepOnFailure keep a failed run's new instance for inspection instead of tearing it down
 * @param readinessTimeout ISO-8601 duration the new server has to accept connections, default PT5M
 * @param repointApproval "required": a person approves at the "repoint" gate before the application
 *     is pointed at the new instance; default "automatic"
 * @param approvalTimeout ISO-8601 duration the repoint gate waits, default P1D; unanswered counts
 *     as rejected
 * @param acceptUnsigned restore a backup without a signature although the worker has trusted signer
 *     keys (a backup made by hand); needs {@code unsignedReason}, which the audit trail keeps
 * @param unsignedReason why the unsigned backup may be restored
 * @param sourceDatabase whose backups "latest" chooses among ({@code <db>_daily_...}), and the
 *     database a backup's manifest must name; default {@code databaseName}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record NewInstanceRequest(
    String backupKey,
    String restorePointBefore,
    String backupPrefix,
    String bucket,
    String instanceName,
    String region,
    String databaseName,
    String operator,
    String reason,
    String incidentAt,
    Boolean keepOnFailure,
    String readinessTimeout,
    String repointApproval,
    String approvalTimeout,
    Boolean acceptUnsigned,
    String unsignedReason,
    String sourceDatabase) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static NewInstanceRequestBuilder builder() {
    return NewInstanceRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public NewInstanceRequestBuilder toBuilder() {
    return NewInstanceRequestBuilder.builder(this);
  }

  /** The newest backup of {@code databaseName} onto a new instance, every other input default. */
  public static NewInstanceRequest latest(String databaseName, String operator, String reason) {
    return builder().databaseName(databaseName).operator(operator).reason(reason).build();
  }
}
