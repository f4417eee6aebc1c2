package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * @param backend "s3" (default) or "local" (a directory with S3's layout, for the demo)
 * @param region null for the SDK's chain (AWS_REGION)
 * @param endpoint null for AWS_ENDPOINT_URL or the real service
 */
@ConfigurationProperties("flowviz.storage")
public record StorageSettings(
    @Bindable(defaultValue = "s3") String backend,
    @Nullable String localDirectory,
    @Nullable String region,
    @Nullable String endpoint,
    @Bindable(defaultValue = "16") int partSizeMib) {}
