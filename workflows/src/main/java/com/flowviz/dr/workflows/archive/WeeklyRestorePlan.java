package com.flowviz.dr.workflows.archive;

import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.storage.BackupSelector;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.DurationInput;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.InstantInput;
import com.flowviz.dr.workflows.ServerInput;
import com.flowviz.dr.workflows.restore.UnsignedBackups;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A weekly restore request, checked and completed with the runbook's defaults before anything runs.
 */
record WeeklyRestorePlan(
    BackupSelector selector,
    RetrievalTier tier,
    int days,
    String explicitTarget,
    String productionDatabase,
    boolean replaceProduction,
    String operator,
    String reason,
    Duration pollInterval,
    Duration maxWait,
    PgServer targetServer,
    String unsignedReason) {

  static final int MIN_DAYS = 1;
  static final int MAX_DAYS = 365;
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  static WeeklyRestorePlan from(WeeklyRestoreRequest request, Instant now) {
    if (request == null) {
      request = WeeklyRestoreRequest.builder().build();
    }
    String bucket =
        request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket());
    if (request.targetServer() != null
        && Workflow.getVersion("server-inputs-name-servers", Workflow.DEFAULT_VERSION, 1) >= 1) {
      // Checked here too, not only by the 4.1 child: a foreign server is refused before the Glacier
      // retrieval.
      ServerInput.validate("targetServer", request.targetServer());
    }
    String prefix =
        request.backupPrefix() == null
            ? Defaults.WEEKLY_PREFIX
            : InputValidation.prefix("backupPrefix", request.backupPrefix());
    String key =
        request.backupKey() == null || Defaults.LATEST.equalsIgnoreCase(request.backupKey().trim())
            ? null
            : InputValidation.backupKey("backupKey", request.backupKey());
    Instant before = InstantInput.parse("restorePointBefore", request.restorePointBefore());
    if (key != null && before != null) {
      throw InputValidation.invalid(
          "restorePointBefore applies to \"latest\" only; give either backupKey or"
              + " restorePointBefore.");
    }
    RetrievalTier tier = RetrievalTier.parse(request.retrievalTier());
    int days = request.retrievalDays() == null ? 7 : request.retrievalDays();
    if (days < MIN_DAYS || days > MAX_DAYS) {
      throw InputValidation.invalid(
          "retrievalDays "
              + days
              + " is out of range; the retrieved copy can stay readable "
              + MIN_DAYS
              + " to "
              + MAX_DAYS
              + " days (the runbook uses 7).");
    }
    String production =
        InputValidation.databaseName(
            "productionDatabase",
            request.productionDatabase() == null
                ? Defaults.DATABASE
                : request.productionDatabase());
    boolean replaceProduction = Boolean.TRUE.equals(request.replaceProduction());
    String target =
        request.targetDatabase() == null
            ? null
            : InputValidation.databaseName("targetDatabase", request.targetDatabase());
    if (target != null && target.equals(production) && !replaceProduction) {
      throw InputValidation.invalid(
          "targetDatabase \""
              + target
              + "\" is the production database. A weekly restore goes into a dated audit database"
              + " by default; to replace production, set replaceProduction to true.");
    }
    Duration poll =
        DurationInput.parse(
            "pollInterval",
            request.pollInterval(),
            null,
            Duration.ofSeconds(1),
            Duration.ofHours(6));
    Duration maxWait =
        DurationInput.parse(
            "maxWait", request.maxWait(), null, Duration.ofMinutes(1), Duration.ofDays(14));
    String unsignedReason =
        UnsignedBackups.reason(request.acceptUnsigned(), request.unsignedReason(), false);
    return new WeeklyRestorePlan(
        new BackupSelector(bucket, prefix, key, before, null, key == null ? production : null),
        tier,
        days,
        target,
        production,
        replaceProduction,
        InputValidation.operator(request.operator()),
        InputValidation.freeText("reason", request.reason(), 2000),
        poll,
        maxWait,
        request.targetServer(),
        Boolean.TRUE.equals(request.acceptUnsigned()) ? unsignedReason : null);
  }

  /** Whether the request accepted an unsigned backup (with {@link #unsignedReason}). */
  boolean acceptUnsigned() {
    return unsignedReason != null;
  }

  /**
   * Where the data goes: the explicit target, production when asked, else {@code
   * <production>_audit_<backup day>}.
   */
  String targetFor(Instant backupTakenAt) {
    if (explicitTarget != null) {
      return explicitTarget;
    }
    if (replaceProduction) {
      return productionDatabase;
    }
    String suffix = "_audit_" + DAY.format(backupTakenAt);
    String base =
        productionDatabase.length() + suffix.length() > 63
            ? productionDatabase.substring(0, 63 - suffix.length())
            : productionDatabase;
    return base + suffix;
  }

  /**
   * Refuses a tier the backup's archive class does not offer (Expedited for Deep Archive), before
   * any retrieval is requested.
   */
  void checkTierAvailableFor(String archiveClass) {
    if (!tier.availableFor(archiveClass)) {
      throw InputValidation.invalid(
          "retrievalTier "
              + tier.s3Name()
              + " is not available for "
              + archiveClass
              + "; use Standard (within 12 hours) or Bulk (within 48 hours). No retrieval was"
              + " requested.");
    }
  }

  Duration pollIntervalFor(String archiveClass) {
    return pollInterval != null ? pollInterval : tier.defaultPollInterval(archiveClass);
  }

  Duration maxWaitFor(String archiveClass) {
    return maxWait != null ? maxWait : tier.defaultMaxWait(archiveClass);
  }
}
