package com.flowviz.dr.workflows.drill;

import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.storage.BackupSelector;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.DurationInput;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.InstantInput;
import com.flowviz.dr.workflows.RegionInput;
import com.flowviz.dr.workflows.common.Names;
import java.time.Duration;

/** A drill request checked and completed with defaults, before anything is provisioned. */
record DrillPlan(
    BackupSelector selector,
    boolean weekly,
    String database,
    InstanceSpec scratch,
    boolean keepScratch,
    String operator,
    String reason,
    Duration readinessTimeout,
    boolean pointInTime,
    String targetTime,
    String sourceServer) {

  static final String DUMP = "dump";
  static final String PITR = "pitr";

  static DrillPlan from(DrillRequest input, String workflowId) {
    DrillRequest request = input == null ? DrillRequest.builder().build() : input;
    String bucket =
        request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket());
    String key =
        request.backupKey() == null || Defaults.LATEST.equalsIgnoreCase(request.backupKey().trim())
            ? null
            : InputValidation.backupKey("backupKey", request.backupKey());
    String prefix =
        request.backupPrefix() == null
            ? (key != null && key.startsWith(Defaults.WEEKLY_PREFIX)
                ? Defaults.WEEKLY_PREFIX
                : Defaults.DAILY_PREFIX)
            : InputValidation.prefix("backupPrefix", request.backupPrefix());
    String instanceName =
        InputValidation.instanceName(
            "instanceName",
            request.instanceName() == null
                ? "flowviz-drill-" + Names.shortHash(workflowId)
                : request.instanceName());
    RegionInput.forInstance("region", request.region());
    String database =
        InputValidation.databaseName(
            "databaseName",
            request.databaseName() == null ? Defaults.DATABASE : request.databaseName());
    // "latest" is the newest backup of the database drilled, never another's that shares the
    // prefix.
    String source =
        request.sourceDatabase() == null
            ? (key == null ? database : null)
            : InputValidation.databaseName("sourceDatabase", request.sourceDatabase());
    return new DrillPlan(
        new BackupSelector(bucket, prefix, key, null, null, source),
        prefix.startsWith(Defaults.WEEKLY_PREFIX)
            || (key != null && key.startsWith(Defaults.WEEKLY_PREFIX)),
        database,
        new InstanceSpec(instanceName, request.region()),
        Boolean.TRUE.equals(request.keepScratch()),
        InputValidation.operator(request.operator()),
        InputValidation.freeText("reason", request.reason(), 2000),
        DurationInput.parse(
            "readinessTimeout",
            request.readinessTimeout(),
            Duration.ofMinutes(5),
            Duration.ofSeconds(10),
            Duration.ofHours(1)),
        pointInTime(request.path()),
        request.targetTime() == null
            ? null
            : InstantInput.parse("targetTime", request.targetTime()).toString(),
        InputValidation.serverName("sourceServer", request.sourceServer()));
  }

  private static boolean pointInTime(String path) {
    if (path == null || path.isBlank() || path.strip().equalsIgnoreCase(DUMP)) {
      return false;
    }
    if (path.strip().equalsIgnoreCase(PITR)) {
      return true;
    }
    throw InputValidation.invalid(
        "path \""
            + InputValidation.printable(path)
            + "\" is neither \"dump\" (the pg_dump backups, runbook 4.1) nor \"pitr\" (the"
            + " physical archive: base backup and WAL).");
  }
}
