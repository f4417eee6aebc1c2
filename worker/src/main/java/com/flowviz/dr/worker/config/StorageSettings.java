package com.flowviz.dr.worker.config;

import com.flowviz.dr.activities.aws.RegionEndpoints;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * @param backend "s3" (default) or "local" (a directory with S3's layout, for the demo)
 * @param region the worker's own region (its default bucket, Secrets Manager, SNS); null for the
 *     SDK's chain (AWS_REGION). A worker that must fail over out of a region runs in the DR region.
 * @param endpoint null for AWS_ENDPOINT_URL or the real service
 * @param regionEndpoints "region=url" entries: that region's S3, Secrets Manager and SNS go to url,
 *     other regions to {@code endpoint}; "aws-global=url" moves Route53. Empty by default.
 * @param keyTimeSkew a backup whose key names a time later than its LastModified plus this is
 *     refused as suspicious (default 5m): an honest backup is never written before its named time
 */
@ConfigurationProperties("flowviz.storage")
public record StorageSettings(
    @Bindable(defaultValue = "s3") String backend,
    @Nullable String localDirectory,
    @Nullable String region,
    @Nullable String endpoint,
    @Bindable(defaultValue = "16") int partSizeMib,
    @Nullable List<String> regionEndpoints,
    @Bindable(defaultValue = "5m") Duration keyTimeSkew) {

  /** Where each region's AWS APIs are reached. */
  public RegionEndpoints endpoints() {
    return RegionEndpoints.parse(regionEndpoints, endpoint);
  }
}
