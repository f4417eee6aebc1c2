package com.flowviz.dr.workflows.pitr;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
    String reason) {
  public static RestoreToPointInTimeRequestBuilder builder() {
    return RestoreToPointInTimeRequestBuilder.builder();
  }

  public RestoreToPointInTimeRequestBuilder toBuilder() {
    return RestoreToPointInTimeRequestBuilder.builder(this);
  }
}
