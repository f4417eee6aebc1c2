package com.flowviz.dr.workflows.basebackup;

import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.DurationInput;
import com.flowviz.dr.workflows.InputValidation;
import java.time.Duration;

/**
 * A base backup request with its defaults filled in, checked before anything is read or written.
 *
 * @param incompleteAfter a base backup directory without its flowviz manifest and older than this
 *     is a killed attempt the expiry removes
 */
record TakeBaseBackupPlan(
    String server,
    String bucket,
    String operator,
    String reason,
    int keepBaseBackups,
    Duration keepFor,
    Duration incompleteAfter) {

  /**
   * Seven daily base backups: the count the expiry keeps even when the schedule has stopped taking
   * new ones, so a broken schedule never expires the last restorable week.
   */
  static final int DEFAULT_KEEP_BASE_BACKUPS = 7;

  /**
   * A point-in-time restore to T needs a base backup started before T and the WAL from it on.
   * Corruption (2.1) and deletions (2.3) are often noticed days late, and the runbook's compliance
   * review (6.3) looks back up to 7 days: keeping every base backup younger than 8 days (7 days
   * plus the daily schedule's interval) leaves any instant of the last 7 days restorable; older
   * instants fall back to the daily and weekly dumps.
   */
  static final Duration DEFAULT_KEEP_FOR = Duration.ofDays(8);

  /**
   * Base backups are restored from at once (2.1, 2.3): never a storage class that must be retrieved
   * first.
   */
  static final String STORAGE_CLASS = "STANDARD";

  /** How long one attempt may stream: a 1 TB cluster at 100 MB/s takes three hours. */
  static final Duration ATTEMPT = Duration.ofHours(6);

  /**
   * Well beyond an attempt's {@link #ATTEMPT}: a directory without its manifest that is younger may
   * be a backup another run is still writing, so only older ones are removed as killed.
   */
  static final Duration INCOMPLETE_AFTER = Duration.ofDays(1);

  static TakeBaseBackupPlan from(TakeBaseBackupRequest input) {
    TakeBaseBackupRequest request = input == null ? TakeBaseBackupRequest.builder().build() : input;
    String server = server(request.server());
    String bucket =
        request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket());
    String operator = InputValidation.operator(request.operator());
    String reason = InputValidation.freeText("reason", request.reason(), 2000);
    int keep =
        request.keepBaseBackups() == null ? DEFAULT_KEEP_BASE_BACKUPS : request.keepBaseBackups();
    if (keep < 1 || keep > 400) {
      throw InputValidation.invalid(
          "keepBaseBackups "
              + keep
              + " is out of range: keep 1 to 400 base backups (the newest is always kept).");
    }
    Duration keepFor =
        DurationInput.parse(
            "keepFor", request.keepFor(), DEFAULT_KEEP_FOR, Duration.ZERO, Duration.ofDays(3650));
    return new TakeBaseBackupPlan(
        server, bucket, operator, reason, keep, keepFor, INCOMPLETE_AFTER);
  }

  private static String server(String value) {
    return InputValidation.serverName("server", value);
  }
}
