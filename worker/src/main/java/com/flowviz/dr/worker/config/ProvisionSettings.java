package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * How runbook 4.3 makes a new PostgreSQL instance.
 *
 * @param kind docker (the runbook's way), terraform, or local (a cluster on the worker's machine)
 * @param terraformVariables more {@code -var} values, each "name=value"
 */
@ConfigurationProperties("flowviz.provision")
public record ProvisionSettings(
    @Bindable(defaultValue = "docker") String kind,
    @Nullable String localRoot,
    @Bindable(defaultValue = "docker") String dockerBinary,
    @Bindable(defaultValue = "postgres:17") String dockerImage,
    @Bindable(defaultValue = "127.0.0.1") String dockerBindAddress,
    @Bindable(defaultValue = "0") int dockerHostPort,
    @Bindable(defaultValue = "terraform") String terraformBinary,
    @Nullable String terraformConfiguration,
    @Nullable String terraformWorkspace,
    @Nullable List<String> terraformVariables,
    @Bindable(defaultValue = "30m") Duration timeout) {}
