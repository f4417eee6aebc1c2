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
 * @param envFile where runbook 4.3 writes the new database endpoint for the application (DB_HOST...)
 * @param composeOverride a compose override file pointing {@code composeService} at the env file
 * @param secretId a Secrets Manager secret the application reads its database from (RDS shape)
 */
@ConfigurationProperties("flowviz.application")
public record ApplicationSettings(
    @Nullable List<String> restartCommand,
    @Nullable List<String> healthEndpoints,
    @Bindable(defaultValue = "2m") Duration connectivityDeadline,
    @Bindable(defaultValue = "10m") Duration restartTimeout,
    @Nullable String envFile,
    @Nullable String composeOverride,
    @Bindable(defaultValue = "api") String composeService,
    @Nullable String secretId) {}
