package com.flowviz.dr.workflows.pitr;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.managed.ManagedSource;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Input of a point-in-time recovery onto a new local instance. Exactly one of {@code targetTime},
 * {@code targetLsn} and {@code latest}.
 *
 * <pre>{@code {"instance": "pitr-0612", "targetTime": "2026-12-03T06:12:00Z",
 *  "operator": "alice", "reason": "lots deleted at 06:12:30 (runbook 2.3)"}}</pre>
 *
 * @param instance the new instance's name (the local provisioner's {@code <root>/<name>})
 * @param bucket default {@code flowviz-backups}: its {@code base/} and {@code wal/}
 * @param systemIdentifier the cluster whose archive is read; left out: the bucket's only one
 * @param targetTime ISO-8601 with a zone: commits up to it are kept
 * @param targetLsn a WAL position ({@code 0/3000060})
 * @param latest true: everything the archive holds
 * @param inclusive whether a commit exactly at the target is kept (default true)
 * @param databaseName the database runbook 5.1/5.2 verify on the recovered instance, and the
 *     application is pointed at; default {@code flowviz}
 * @param repoint true: once verified, point the application at the recovered instance after a
 *     person approves at the "repoint" gate (runbook 4.3); default false, the instance is left for
 *     the operator to inspect or copy from
 * @param approvalTimeout ISO-8601 duration the repoint gate waits, default P1D; unanswered counts
 *     as rejected
 * @param sourceServer the registered server whose archive this is, default {@code production}: the
 *     recovered copy keeps its roles, so the worker logs into the copy as it logs into that server
 * @param managedSource the production database is RDS or Aurora ({@code {"kind": "instance",
 *     "identifier": "flowviz-prod"}}, or kind {@code cluster}): the service's native point-in-time
 *     restore into a new database named {@code instance}, instead of base backups and WAL
 * @param intoLive true: once verified, copy {@code databaseName} of the recovered instance into a
 *     staging database on {@code sourceServer} (the live server), verify it and, once a person
 *     approves at the "swap" gate, swap it into the live database (runbook 2.1), the live one kept
 *     renamed; not with {@code repoint}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RestoreToPointInTimeRequest(
    String instance,
    String bucket,
    String systemIdentifier,
    String targetTime,
    String targetLsn,
    Boolean latest,
    Boolean inclusive,
    String operator,
    String reason,
    String databaseName,
    Boolean repoint,
    String approvalTimeout,
    String sourceServer,
    ManagedSource managedSource,
    Boolean intoLive) {
  public static RestoreToPointInTimeRequestBuilder builder() {
    return RestoreToPointInTimeRequestBuilder.builder();
  }

  public RestoreToPointInTimeRequestBuilder toBuilder() {
    return RestoreToPointInTimeRequestBuilder.builder(this);
  }
}
