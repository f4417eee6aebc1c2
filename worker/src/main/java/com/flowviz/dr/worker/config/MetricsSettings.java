package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * The worker's own metrics beyond what workflows and activities record.
 *
 * @param backupLocations where to watch the newest backup's age, each "bucket/prefix" or
 *     "bucket/prefix@region"; default the runbook's daily and weekly prefixes and the DR bucket
 * @param backupCheckInterval how often the newest backup is looked up (the age itself grows
 *     continuously between lookups)
 */
@ConfigurationProperties("flowviz.metrics")
public record MetricsSettings(
    @Nullable List<String> backupLocations,
    @Bindable(defaultValue = "5m") Duration backupCheckInterval) {}
