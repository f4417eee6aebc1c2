package com.flowviz.dr.workflows.restore;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.postgres.PgServer;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Input of runbook 4.1, one JSON object as the Temporal UI's start form sends it. Every field may
 * be left out; the runbook's values are the defaults.
 *
 * <pre>{@code
 * {
 *   "backupKey": "latest",
 *   "restorePointBefore": "2025-01-19T09:30:00Z",
 *   "targetDatabase": "flowviz",
 *   "operator": "alice",
 *   "reason": "lots table corrupted after failed migration"
 * }
 * }</pre>
 *
 * @param backupKey an object key such as {@code daily/flowviz_daily_20250119_020000.dump.gpg}, or
 *     "latest" (the default)
 * @param restorePointBefore ISO-8601 instant: take the newest backup taken strictly before it (only
 *     with "latest")
 * @param backupPrefix where "latest" looks, default {@code daily/}
 * @param bucket default {@code flowviz-backups}
 * @param targetDatabase the live database to replace, default {@code flowviz}
 * @param incidentAt ISO-8601 instant of the incident, for the RPO gap; default: when the restore
 *     started
 * @param keepStagingOnFailure keep the staging database for inspection when verification fails
 * @param workHostPickupTimeout ISO-8601 duration (default PT15M): a host that does not pick up its
 *     restore work within it is taken as lost and another host starts the download again
 * @param targetServer the server to restore into; default the worker's own (PGHOST, ...)
 * @param applicationSteps restart the application and test its connectivity after the swap (default
 *     true); false when a calling procedure repoints the application first (4.3)
 * @param bucketRegion the AWS region of the bucket (the DR bucket's, in 4.4); default the worker's
 * @param stageOnly stop after verification, leaving the restored data in the staging database and
 *     the live database untouched (outcome STAGED): the first half of an undelete (scenario 2.3)
 * @param strictIntegrity accept the backup only with a manifest whose SHA-256 matches, and only
 *     signed when the worker has signer keys (scenario 2.4: after a breach nothing unproven is
 *     used)
 * @param waitForLease ISO-8601 duration: when another procedure is changing the same database, wait
 *     up to this long (at most P1D) for it to finish, then run; default: refuse at once
 *     (DatabaseBusy)
 * @param sourceDatabase whose backups "latest" chooses among ({@code <db>_daily_...}), and the
 *     database a backup's manifest must name; default {@code targetDatabase}. Set it to restore one
 *     database's backup into another (an audit copy, say)
 * @param acceptUnsigned when the worker has trusted signer keys, restore a backup that carries no
 *     signature (one made by hand with {@code pg_dump -Fc | gpg -e}, or before signing existed);
 *     needs {@code unsignedReason}; refused with {@code strictIntegrity}. A signature that does not
 *     verify is refused whatever this says.
 * @param unsignedReason why an unsigned backup is acceptable, for the audit trail and the result
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RestoreRequest(
    String backupKey,
    String restorePointBefore,
    String backupPrefix,
    String bucket,
    String targetDatabase,
    String operator,
    String reason,
    String incidentAt,
    Boolean keepStagingOnFailure,
    String workHostPickupTimeout,
    PgServer targetServer,
    Boolean applicationSteps,
    String bucketRegion,
    Boolean stageOnly,
    Boolean strictIntegrity,
    String waitForLease,
    String sourceDatabase,
    Boolean acceptUnsigned,
    String unsignedReason) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static RestoreRequestBuilder builder() {
    return RestoreRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public RestoreRequestBuilder toBuilder() {
    return RestoreRequestBuilder.builder(this);
  }
}
