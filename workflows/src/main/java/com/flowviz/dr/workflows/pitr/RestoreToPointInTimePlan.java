package com.flowviz.dr.workflows.pitr;

import com.flowviz.dr.activities.managed.ManagedSource;
import com.flowviz.dr.activities.physical.RecoveryTarget;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.DurationInput;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.InstantInput;
import com.flowviz.dr.workflows.RegionInput;
import java.time.Duration;
import java.time.Instant;

/** A point-in-time recovery request checked, its defaults filled in, before anything is read. */
record RestoreToPointInTimePlan(
    String instance,
    String bucket,
    String systemIdentifier,
    RecoveryTarget target,
    String operator,
    String reason,
    String database,
    boolean repoint,
    Duration approvalTimeout,
    String sourceServer,
    ManagedSource managedSource,
    boolean intoLive) {

  /** How long the host holding the instance may leave its work unclaimed before it is lost. */
  static final Duration PICKUP = Duration.ofMinutes(10);

  /** One attempt at laying down a base backup: 1 TB at 100 MB/s is about three hours. */
  static final Duration RESTORE_ATTEMPT = Duration.ofHours(6);

  /** Replaying a day of WAL on a busy cluster can take hours too. */
  static final Duration RECOVERY_ATTEMPT = Duration.ofHours(6);

  static RestoreToPointInTimePlan from(RestoreToPointInTimeRequest input) {
    RestoreToPointInTimeRequest request =
        input == null ? RestoreToPointInTimeRequest.builder().build() : input;
    String instance = InputValidation.instanceName("instance", request.instance());
    String bucket =
        request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket());
    String system = request.systemIdentifier();
    if (system != null && !system.isBlank() && !system.strip().matches("[0-9]{1,20}")) {
      throw InputValidation.invalid(
          "systemIdentifier \""
              + InputValidation.printable(system)
              + "\" is not a PostgreSQL system identifier (digits, as pg_controldata prints it).");
    }
    return new RestoreToPointInTimePlan(
        instance,
        bucket,
        system == null || system.isBlank() ? null : system.strip(),
        target(request),
        InputValidation.operator(request.operator()),
        InputValidation.freeText("reason", request.reason(), 2000),
        InputValidation.databaseName(
            "databaseName",
            request.databaseName() == null ? Defaults.DATABASE : request.databaseName()),
        Boolean.TRUE.equals(request.repoint()),
        DurationInput.parse(
            "approvalTimeout",
            request.approvalTimeout(),
            Duration.ofDays(1),
            Duration.ofMinutes(1),
            Duration.ofDays(30)),
        InputValidation.serverName("sourceServer", request.sourceServer()),
        managed(request),
        intoLive(request));
  }

  private static boolean intoLive(RestoreToPointInTimeRequest request) {
    boolean intoLive = Boolean.TRUE.equals(request.intoLive());
    if (intoLive && Boolean.TRUE.equals(request.repoint())) {
      throw InputValidation.invalid(
          "Give intoLive (copy the recovered database into the live one, runbook 2.1) or repoint"
              + " (point the application at the recovered instance), not both.");
    }
    return intoLive;
  }

  private static ManagedSource managed(RestoreToPointInTimeRequest request) {
    ManagedSource source = request.managedSource();
    if (source == null) {
      return null;
    }
    if (!ManagedSource.INSTANCE.equals(source.kind())
        && !ManagedSource.CLUSTER.equals(source.kind())) {
      throw InputValidation.invalid(
          "managedSource.kind \""
              + InputValidation.printable(source.kind())
              + "\" is neither \"instance\" (RDS for PostgreSQL) nor \"cluster\" (Aurora).");
    }
    if (source.identifier() == null || !source.identifier().matches("[a-zA-Z][a-zA-Z0-9-]{0,62}")) {
      throw InputValidation.invalid(
          "managedSource.identifier \""
              + InputValidation.printable(source.identifier())
              + "\" is not an RDS identifier (a letter, then letters, digits and hyphens).");
    }
    if (request.targetLsn() != null) {
      throw InputValidation.invalid(
          "A managed database restores to a time or to latest, not to an LSN: give targetTime or"
              + " latest=true.");
    }
    return new ManagedSource(
        source.kind(),
        source.identifier(),
        source.region() == null
            ? null
            : RegionInput.validate("managedSource.region", source.region()));
  }

  private static RecoveryTarget target(RestoreToPointInTimeRequest request) {
    Instant time = InstantInput.parse("targetTime", request.targetTime());
    String lsn = request.targetLsn() == null ? null : request.targetLsn().strip();
    boolean latest = Boolean.TRUE.equals(request.latest());
    int given = (time != null ? 1 : 0) + (lsn != null && !lsn.isEmpty() ? 1 : 0) + (latest ? 1 : 0);
    if (given != 1) {
      throw InputValidation.invalid(
          "Give exactly one recovery target: targetTime (ISO-8601, e.g. 2026-12-03T06:12:00Z),"
              + " targetLsn (e.g. 0/3000060) or latest=true; "
              + (given == 0 ? "none was given." : given + " were given."));
    }
    boolean inclusive = request.inclusive() == null || request.inclusive();
    if (time != null) {
      return RecoveryTarget.at(time, inclusive);
    }
    if (latest) {
      return RecoveryTarget.latest();
    }
    if (!lsn.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
      throw InputValidation.invalid(
          "targetLsn \""
              + InputValidation.printable(lsn)
              + "\" is not a WAL position such as 0/3000060.");
    }
    return RecoveryTarget.atLsn(lsn.toUpperCase(java.util.Locale.ROOT), inclusive);
  }
}
