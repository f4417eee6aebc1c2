package com.flowviz.dr.workflows.restore;

import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.storage.BackupSelector;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.DurationInput;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.InstantInput;
import com.flowviz.dr.workflows.RegionInput;
import com.flowviz.dr.workflows.ServerInput;
import com.flowviz.dr.workflows.common.Names;
import java.time.Duration;
import java.time.Instant;

/**
 * A restore request checked and completed with defaults, and the names derived from the workflow
 * id. Built before the first activity, so bad input fails the workflow having changed nothing.
 */
record RestorePlan(
    BackupSelector selector,
    String targetDatabase,
    String stagingDatabase,
    String replacedDatabase,
    String operator,
    String reason,
    Instant incidentAt,
    boolean keepStagingOnFailure,
    Duration workHostPickupTimeout,
    PgServer server,
    boolean applicationSteps,
    boolean stageOnly,
    boolean strictIntegrity,
    Duration leaseWait,
    boolean acceptUnsigned,
    String unsignedReason) {

  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  private static final Duration DEFAULT_PICKUP = Duration.ofMinutes(15);

  static RestorePlan from(RestoreRequest request, String workflowId, Instant startedAt) {
    if (request == null) {
      request = RestoreRequest.builder().build();
    }
    String bucket =
        request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket());
    String prefix =
        request.backupPrefix() == null
            ? Defaults.DAILY_PREFIX
            : InputValidation.prefix("backupPrefix", request.backupPrefix());
    String key =
        request.backupKey() == null || Defaults.LATEST.equalsIgnoreCase(request.backupKey().trim())
            ? null
            : InputValidation.backupKey("backupKey", request.backupKey());
    Instant before = InstantInput.parse("restorePointBefore", request.restorePointBefore());
    if (key != null && before != null) {
      throw InputValidation.invalid(
          "restorePointBefore applies to \"latest\" only; give either an explicit backupKey or a"
              + " restorePointBefore, not both.");
    }
    if (before != null && before.isAfter(startedAt.plus(CLOCK_SKEW))) {
      throw InputValidation.invalid(
          "restorePointBefore "
              + before
              + " is in the future (now "
              + startedAt
              + "); use \"latest\" instead.");
    }
    String target =
        InputValidation.databaseName(
            "targetDatabase",
            request.targetDatabase() == null ? Defaults.DATABASE : request.targetDatabase());
    Instant incidentAt = InstantInput.parse("incidentAt", request.incidentAt());
    if (incidentAt != null && incidentAt.isAfter(startedAt.plus(CLOCK_SKEW))) {
      throw InputValidation.invalid(
          "incidentAt " + incidentAt + " is in the future (now " + startedAt + ").");
    }
    if (incidentAt == null) {
      incidentAt = before != null ? before : startedAt;
    }
    // "latest" is the newest backup of the database being restored, never another's that shares the
    // prefix.
    String source =
        request.sourceDatabase() == null
            ? (key == null ? target : null)
            : InputValidation.databaseName("sourceDatabase", request.sourceDatabase());
    return new RestorePlan(
        new BackupSelector(
            bucket,
            prefix,
            key,
            before,
            RegionInput.validate("bucketRegion", request.bucketRegion()),
            source),
        target,
        Names.stagingDatabase(target, workflowId),
        Names.replacedDatabase(target, startedAt),
        InputValidation.operator(request.operator()),
        InputValidation.freeText("reason", request.reason(), 2000),
        incidentAt,
        Boolean.TRUE.equals(request.keepStagingOnFailure()),
        DurationInput.parse(
            "workHostPickupTimeout",
            request.workHostPickupTimeout(),
            DEFAULT_PICKUP,
            Duration.ofSeconds(5),
            Duration.ofHours(24)),
        ServerInput.validate("targetServer", request.targetServer()),
        !Boolean.FALSE.equals(request.applicationSteps()),
        Boolean.TRUE.equals(request.stageOnly()),
        Boolean.TRUE.equals(request.strictIntegrity()),
        DurationInput.parse(
            "waitForLease",
            request.waitForLease(),
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofDays(1)),
        Boolean.TRUE.equals(request.acceptUnsigned()),
        UnsignedBackups.reason(
            request.acceptUnsigned(),
            request.unsignedReason(),
            Boolean.TRUE.equals(request.strictIntegrity())));
  }
}
