package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * Runbook 4.4: the regions' terraform stack and the Route53 change batches.
 *
 * @param terraformConfiguration the stack's directory (the runbook's {@code infrastructure/})
 * @param changeBatchDirectory where dr-failover-dns.json and dr-failback-dns.json are
 * @param hostedZoneId the zone the change batches apply to, when the request names none
 * @param terraformVariables more {@code -var} values, each "name=value" (a list keeps names such as
 *     state_dir exactly as written)
 * @param healthHosts the hosts a failover's healthUrl (a workflow input) may name; such a URL is
 *     https, is never a cloud metadata address, and is not followed through redirects
 * @param healthHttpHosts hosts whose health URL may be plain http: only for a dev stack on loopback
 */
@ConfigurationProperties("flowviz.failover")
public record FailoverSettings(
    @Bindable(defaultValue = "terraform") String terraformBinary,
    @Nullable String terraformConfiguration,
    @Nullable List<String> terraformVariables,
    @Bindable(defaultValue = "1h") Duration terraformTimeout,
    @Bindable(defaultValue = "dns") String changeBatchDirectory,
    @Nullable String hostedZoneId,
    @Bindable(defaultValue = "api.flowviz.com") List<String> healthHosts,
    @Nullable List<String> healthHttpHosts) {}
