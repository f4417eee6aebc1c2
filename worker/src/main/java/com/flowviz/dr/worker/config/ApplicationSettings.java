package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * The FlowViz application around the database.
 *
 * @param restartCommand argument list, e.g. [docker, compose, restart, api]; empty: no restart
 * @param healthEndpoints runbook 5.3's URLs; empty: no connectivity test
 */
@ConfigurationProperties("flowviz.application")
public record ApplicationSettings(
    @Nullable List<String> restartCommand,
    @Nullable List<String> healthEndpoints,
    @Bindable(defaultValue = "2m") Duration connectivityDeadline,
    @Bindable(defaultValue = "10m") Duration restartTimeout) {}
