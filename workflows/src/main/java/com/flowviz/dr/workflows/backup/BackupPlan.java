package com.flowviz.dr.workflows.backup;

import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.InputValidation;

/**
 * A backup request with its defaults filled in, checked before anything is dumped.
 *
 * @param weekly a weekly (7-year, Deep Archive) backup rather than a daily one
 */
record BackupPlan(
    String database, String bucket, String operator, boolean weekly, String storageClass) {

  static BackupPlan from(BackupRequest input) {
    BackupRequest request = input == null ? BackupRequest.builder().build() : input;
    String database =
        InputValidation.databaseName(
            "sourceDatabase",
            request.sourceDatabase() == null ? Defaults.DATABASE : request.sourceDatabase());
    String bucket =
        request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket());
    String operator = InputValidation.operator(request.operator());
    InputValidation.freeText("reason", request.reason(), 2000);
    boolean weekly = parseKind(request.kind());
    String storageClass =
        StorageClasses.parse(request.storageClass(), weekly ? "DEEP_ARCHIVE" : "STANDARD");
    return new BackupPlan(database, bucket, operator, weekly, storageClass);
  }

  private static boolean parseKind(String kind) {
    if (kind == null || kind.isBlank() || kind.equalsIgnoreCase("daily")) {
      return false;
    }
    if (kind.equalsIgnoreCase("weekly")) {
      return true;
    }
    throw InputValidation.invalid(
        "kind \"" + kind + "\" is not a backup kind; use \"daily\" or \"weekly\".");
  }
}
