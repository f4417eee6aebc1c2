package com.flowviz.dr.workflows.drill;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Input of a recovery drill. Every field may be left out: the newest daily backup is restored onto
 * a scratch instance, verified, timed and torn down.
 *
 * <pre>{@code
 * {"backupKey": "latest", "operator": "scheduled-drill"}
 * }</pre>
 *
 * @param backupKey "latest" (default) or a key; a weekly key ({@code weekly/...}) is retrieved from
 *     Glacier or Deep Archive first, as runbook 4.2 does, and the retrieval counts in the RTO
 * @param backupPrefix where "latest" looks: {@code daily/} (default) or {@code weekly/}
 * @param databaseName the database the restore creates on the scratch instance, default flowviz
 * @param instanceName the scratch instance, default {@code flowviz-drill-<8 hex of the workflow
 *     id>}
 * @param keepScratch keep the scratch instance afterwards (for a look at the restored data); by
 *     default it is torn down, after a failure too
 * @param readinessTimeout ISO-8601 duration the scratch server has to accept connections, default
 *     PT5M
 * @param sourceDatabase whose backups "latest" chooses among ({@code <db>_daily_...}), and the
 *     database a backup's manifest must name; default {@code databaseName}. Another database's
 *     backup in the same prefix is never the one drilled
 * @param path {@code dump} (default): the daily or weekly {@code pg_dump} through runbook 4.1;
 *     {@code pitr}: a point-in-time recovery from the physical archive (base backup and WAL) onto
 *     the scratch instance, verified the same way, its RTO reported beside the dump path's
 * @param targetTime for {@code pitr}: the second to recover to (ISO-8601); left out, the newest
 *     archived WAL ("latest")
 * @param sourceServer for {@code pitr}: the registered server whose archive is drilled, default
 *     {@code production} (the copy is verified logged in as that server's role)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record DrillRequest(
    String backupKey,
    String backupPrefix,
    String bucket,
    String databaseName,
    String instanceName,
    String region,
    Boolean keepScratch,
    String operator,
    String reason,
    String readinessTimeout,
    String sourceDatabase,
    String path,
    String targetTime,
    String sourceServer) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static DrillRequestBuilder builder() {
    return DrillRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public DrillRequestBuilder toBuilder() {
    return DrillRequestBuilder.builder(this);
  }

  /** A drill of the newest daily backup in {@code bucket}, every other input at its default. */
  public static DrillRequest latest(String bucket, String operator) {
    return builder().bucket(bucket).operator(operator).build();
  }
}
