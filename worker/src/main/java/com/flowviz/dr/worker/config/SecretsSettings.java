package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Where this tool keeps the secrets it creates (passwords of new instances).
 *
 * @param backend secretsmanager (default) or local (0600 files, for the dev stack)
 */
@ConfigurationProperties("flowviz.secrets")
public record SecretsSettings(
    @Bindable(defaultValue = "secretsmanager") String backend, @Nullable String localDirectory) {}
