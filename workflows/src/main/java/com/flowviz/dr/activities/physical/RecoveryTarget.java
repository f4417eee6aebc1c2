package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;

/**
 * Where a point-in-time recovery stops: PostgreSQL's {@code recovery_target_time}, {@code
 * recovery_target_lsn}, or the end of the archive.
 *
 * @param kind {@link #TIME}, {@link #LSN} or {@link #LATEST}
 * @param time for {@link #TIME}: commits up to this instant are kept
 * @param lsn for {@link #LSN}: a WAL position as PostgreSQL prints it ({@code 0/3000060})
 * @param inclusive whether the transaction that commits exactly at the target is kept (PostgreSQL's
 *     {@code recovery_target_inclusive}, true by default)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RecoveryTarget(String kind, Instant time, String lsn, boolean inclusive) {

  public static final String TIME = "time";
  public static final String LSN = "lsn";
  public static final String LATEST = "latest";

  public static RecoveryTarget at(Instant time, boolean inclusive) {
    return builder().kind(TIME).time(time).inclusive(inclusive).build();
  }

  public static RecoveryTarget atLsn(String lsn, boolean inclusive) {
    return builder().kind(LSN).lsn(lsn).inclusive(inclusive).build();
  }

  public static RecoveryTarget latest() {
    return builder().kind(LATEST).inclusive(true).build();
  }

  /** For logs and reports: {@code time 2026-12-03T06:40:01.123456Z (inclusive)}. */
  public String describe() {
    return switch (kind) {
      case TIME -> "time " + time + (inclusive ? " (inclusive)" : " (exclusive)");
      case LSN -> "LSN " + lsn + (inclusive ? " (inclusive)" : " (exclusive)");
      default -> "the end of the archive (latest)";
    };
  }

  public static RecoveryTargetBuilder builder() {
    return RecoveryTargetBuilder.builder();
  }

  public RecoveryTargetBuilder toBuilder() {
    return RecoveryTargetBuilder.builder(this);
  }
}
