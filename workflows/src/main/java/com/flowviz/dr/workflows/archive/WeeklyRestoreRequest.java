package com.flowviz.dr.workflows.archive;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.postgres.PgServer;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Input of runbook 4.2, restore from a weekly backup that may sit in Glacier or Deep Archive. Every
 * field may be left out.
 *
 * <pre>{@code
 * {
 *   "backupKey": "weekly/flowviz_weekly_20250112.dump.gpg",
 *   "retrievalTier": "Standard",
 *   "retrievalDays": 7,
 *   "operator": "carol",
 *   "reason": "HACCP audit of lot LOT-20250110-000042"
 * }
 * }</pre>
 *
 * @param backupKey an object key, or "latest" (the default) under {@code backupPrefix}
 * @param restorePointBefore with "latest": the newest backup taken before this ISO-8601 instant
 * @param backupPrefix default {@code weekly/}
 * @param retrievalTier Standard (default, the runbook's), Bulk or Expedited (not for Deep Archive)
 * @param retrievalDays how long the retrieved copy stays readable, 1 to 365, default 7
 * @param targetDatabase default: a dated audit database, {@code <production>_audit_YYYYMMDD}
 * @param replaceProduction must be true to restore over the production database
 * @param productionDatabase default {@code flowviz}
 * @param pollInterval ISO-8601 duration between looks at the retrieval; default by tier
 * @param maxWait ISO-8601 duration after which the wait gives up; default three times the tier's
 *     promise
 * @param targetServer the server to restore into; default the worker's own (a drill's scratch
 *     instance)
 * @param acceptUnsigned restore a backup without a signature although the worker has trusted signer
 *     keys (a backup made by hand); needs {@code unsignedReason}, which the audit trail keeps
 * @param unsignedReason why the unsigned backup may be restored
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record WeeklyRestoreRequest(
    String backupKey,
    String restorePointBefore,
    String backupPrefix,
    String bucket,
    String retrievalTier,
    Integer retrievalDays,
    String targetDatabase,
    Boolean replaceProduction,
    String productionDatabase,
    String operator,
    String reason,
    String pollInterval,
    String maxWait,
    PgServer targetServer,
    Boolean acceptUnsigned,
    String unsignedReason) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static WeeklyRestoreRequestBuilder builder() {
    return WeeklyRestoreRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public WeeklyRestoreRequestBuilder toBuilder() {
    return WeeklyRestoreRequestBuilder.builder(this);
  }
}
