package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * Where the Temporal service is. Left empty, the SDK's environment configuration decides
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, a temporal.toml profile), else 127.0.0.1:7233 and
 * "default".
 */
@ConfigurationProperties("flowviz.temporal")
public record TemporalSettings(@Nullable String address, @Nullable String namespace) {}
