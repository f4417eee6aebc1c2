package com.flowviz.dr.workflows.catalog;

import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.InputValidation;

/** What to list, the defaults filled in and checked before the bucket is read. */
record ListBackupsPlan(String bucket, String prefix, int limit) {

  static final int MAX_LIMIT = 1000;

  static ListBackupsPlan from(ListBackupsRequest input) {
    ListBackupsRequest request = input == null ? ListBackupsRequest.builder().build() : input;
    String bucket =
        request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket());
    String prefix =
        request.prefix() == null
            ? Defaults.DAILY_PREFIX
            : InputValidation.prefix("prefix", request.prefix());
    int limit = request.limit() == null ? 20 : request.limit();
    if (limit < 1 || limit > MAX_LIMIT) {
      throw InputValidation.invalid(
          "limit " + limit + " is out of range; use 1 to " + MAX_LIMIT + ".");
    }
    return new ListBackupsPlan(bucket, prefix, limit);
  }
}
