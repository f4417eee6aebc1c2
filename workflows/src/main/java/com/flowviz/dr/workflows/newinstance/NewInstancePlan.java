package com.flowviz.dr.workflows.newinstance;

import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.DurationInput;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.InstantInput;
import com.flowviz.dr.workflows.RegionInput;
import com.flowviz.dr.workflows.common.Names;
import com.flowviz.dr.workflows.restore.UnsignedBackups;
import java.time.Duration;
import java.time.Instant;

/**
 * A restore-to-new-instance request with its defaults filled in, checked before anything runs: bad
 * input changes nothing.
 *
 * @param key the backup asked for, or null for the newest under {@code prefix}
 * @param source the database whose newest backup is meant, or null when a key names the backup
 * @param incidentAt as given, passed on to the restore
 * @param acceptUnsigned the reason an unsigned backup may be restored, or null when none may
 */
record NewInstancePlan(
    String database,
    String instanceName,
    String bucket,
    String prefix,
    String key,
    Instant before,
    String source,
    String incidentAt,
    Duration readiness,
    String operator,
    String reason,
    String acceptUnsigned,
    boolean keepOnFailure,
    boolean repointGate,
    Duration approvalTimeout,
    InstanceSpec spec) {

  static NewInstancePlan from(NewInstanceRequest input, String workflowId) {
    NewInstanceRequest request = input == null ? NewInstanceRequest.builder().build() : input;
    String database =
        InputValidation.databaseName(
            "databaseName",
            request.databaseName() == null ? Defaults.DATABASE : request.databaseName());
    String instanceName =
        InputValidation.instanceName(
            "instanceName",
            request.instanceName() == null
                ? "flowviz-db-" + Names.shortHash(workflowId)
                : request.instanceName());
    RegionInput.forInstance("region", request.region());
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
    // "latest" is the newest backup of the database restored, never another's that shares the
    // prefix.
    String source =
        request.sourceDatabase() == null
            ? (key == null ? database : null)
            : InputValidation.databaseName("sourceDatabase", request.sourceDatabase());
    InstantInput.parse("incidentAt", request.incidentAt());
    Duration readiness =
        DurationInput.parse(
            "readinessTimeout",
            request.readinessTimeout(),
            Duration.ofMinutes(5),
            Duration.ofSeconds(10),
            Duration.ofHours(1));
    String operator = InputValidation.operator(request.operator());
    String reason = InputValidation.freeText("reason", request.reason(), 2000);
    // Checked here too, so bad input fails before an instance is made.
    String unsignedReason =
        UnsignedBackups.reason(request.acceptUnsigned(), request.unsignedReason(), false);
    String acceptUnsigned = Boolean.TRUE.equals(request.acceptUnsigned()) ? unsignedReason : null;
    boolean keepOnFailure = Boolean.TRUE.equals(request.keepOnFailure());
    boolean repointGate = repointRequired(request.repointApproval());
    Duration approvalTimeout =
        DurationInput.parse(
            "approvalTimeout",
            request.approvalTimeout(),
            Duration.ofDays(1),
            Duration.ofMinutes(1),
            Duration.ofDays(30));
    return new NewInstancePlan(
        database,
        instanceName,
        bucket,
        prefix,
        key,
        before,
        source,
        request.incidentAt(),
        readiness,
        operator,
        reason,
        acceptUnsigned,
        keepOnFailure,
        repointGate,
        approvalTimeout,
        new InstanceSpec(instanceName, request.region()));
  }

  private static boolean repointRequired(String mode) {
    if (mode == null || mode.isBlank() || mode.trim().equalsIgnoreCase("automatic")) {
      return false;
    }
    if (mode.trim().equalsIgnoreCase("required")) {
      return true;
    }
    throw InputValidation.invalid(
        "repointApproval \""
            + InputValidation.printable(mode)
            + "\" is neither \"required\" nor \"automatic\".");
  }
}
