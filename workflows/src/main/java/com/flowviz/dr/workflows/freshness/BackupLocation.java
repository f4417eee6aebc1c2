package com.flowviz.dr.workflows.freshness;

import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.RegionInput;

/**
 * Where backups are watched, written "bucket/prefix" or "bucket/prefix@region" (the freshness
 * monitor's input, the worker's backup-age metrics setting).
 *
 * @param region null for the worker's own region
 */
public record BackupLocation(String bucket, String prefix, String region) {

  /**
   * @throws io.temporal.failure.ApplicationFailure an InvalidInput failure naming what does not fit
   */
  public static BackupLocation parse(String location) {
    String path = location == null ? "" : location.trim();
    String region = null;
    int at = path.lastIndexOf('@');
    if (at > 0) {
      region =
          RegionInput.validate(
              "location \"" + InputValidation.printable(location) + "\": region",
              path.substring(at + 1));
      path = path.substring(0, at);
    }
    int slash = path.indexOf('/');
    if (slash <= 0) {
      throw InputValidation.invalid(
          "location \""
              + InputValidation.printable(location == null ? "" : location)
              + "\" is not bucket/prefix or bucket/prefix@region, e.g. flowviz-backups/daily/.");
    }
    return new BackupLocation(
        InputValidation.bucketName("location bucket", path.substring(0, slash)),
        InputValidation.prefix("location prefix", path.substring(slash + 1)),
        region);
  }
}
