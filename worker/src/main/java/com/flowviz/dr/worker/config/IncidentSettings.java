package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;

/**
 * Incidents (runbook sections 2, 6 and 7): where the isolated backups are, which credentials a
 * breach rotates, and where reports are kept. Names only; the secrets stay in the secret store.
 *
 * @param isolatedBucket backups out of an attacker's reach (another account, object lock): the only
 *     source of a 2.4 restore; unset means 2.4 refuses to start
 * @param rotateRoles database roles that get new passwords after a breach (not the worker's own)
 * @param applicationRole the role the application connects as; its new password also goes into
 *     {@code applicationSecretId} in the RDS secret shape (engine, host, port, dbname, username,
 *     password)
 * @param rotateSecrets more Secrets Manager secrets to regenerate (API keys, session secrets)
 * @param reportBucket the compliance location of incident reports
 * @param traceAsApplicationRole runbook 6.1's critical-workflow check logs in as {@code
 *     applicationRole} (default); false checks as the worker's role, and the step says so
 */
@ConfigurationProperties("flowviz.incident")
public record IncidentSettings(
    @Nullable String isolatedBucket,
    @Nullable String isolatedRegion,
    @Bindable(defaultValue = "daily/") String isolatedPrefix,
    @Nullable List<String> rotateRoles,
    @Nullable String applicationRole,
    @Nullable String applicationSecretId,
    @Bindable(defaultValue = "flowviz") String applicationDatabase,
    @Nullable List<String> rotateSecrets,
    @Bindable(defaultValue = "flowviz-compliance") String reportBucket,
    @Bindable(defaultValue = "incidents/") String reportPrefix,
    @Bindable(defaultValue = "true") boolean traceAsApplicationRole) {}
