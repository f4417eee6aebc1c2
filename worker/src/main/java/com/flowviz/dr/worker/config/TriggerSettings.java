package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * Automated failover triggers: the worker's HTTP endpoints for Prometheus Alertmanager webhooks and
 * AWS SNS notifications (CloudWatch alarms), who may call them, and what an alert may start. Off
 * unless enabled; an enabled endpoint without a credential refuses every request.
 *
 * @param enabled serve {@code POST /triggers/alertmanager} and {@code POST /triggers/sns}
 * @param tokenFile a file holding the bearer token Alertmanager sends ({@code
 *     http_config.authorization})
 * @param tokenSecret or the name of a secret (Secrets Manager) holding it
 * @param hmacKeyFile a file holding the HMAC-SHA256 key of signed requests ({@code
 *     X-Flowviz-Signature})
 * @param hmacKeySecret or the name of a secret holding it
 * @param replayWindow how far a signed request's timestamp may be from now; a signature is accepted
 *     once within it
 * @param snsTopicArns the SNS topics whose notifications are accepted; none means SNS is refused
 * @param snsMaxAge how old an SNS message may be (its signed Timestamp); SNS retries for a while
 * @param alertScenarios "AlertName=scenario" for alerts that carry no {@code flowviz_scenario}
 *     label, e.g. "FlowvizPrimaryDown=2.2"; CloudWatch alarms are mapped by their name the same way
 * @param operator who the incident names as its operator
 * @param policy the name the audit trail gives the automation policy below
 * @param allowedScenarios what automation may declare; others are refused and a person must
 * @param swap "required" (a person approves replacing the live database) or "automatic"
 * @param repoint "required" (a person approves repointing the application at a new instance) or
 *     "automatic"
 * @param dnsSwitch "required" (a person approves the DR region's DNS switch) or "automatic"
 * @param decisionTimeout how long a held step waits for a person; unanswered counts as rejected
 * @param bucket where automated incidents look for the daily backups; default the runbook's
 */
@ConfigurationProperties("flowviz.triggers")
public record TriggerSettings(
    @Bindable(defaultValue = "false") boolean enabled,
    @Nullable String tokenFile,
    @Nullable String tokenSecret,
    @Nullable String hmacKeyFile,
    @Nullable String hmacKeySecret,
    @Bindable(defaultValue = "5m") Duration replayWindow,
    @Nullable List<String> snsTopicArns,
    @Bindable(defaultValue = "1h") Duration snsMaxAge,
    @Nullable List<String> alertScenarios,
    @Bindable(defaultValue = "flowviz-automation") String operator,
    @Bindable(defaultValue = "stage-then-approve") String policy,
    @Nullable List<String> allowedScenarios,
    @Bindable(defaultValue = "required") String swap,
    @Bindable(defaultValue = "required") String repoint,
    @Bindable(defaultValue = "required") String dnsSwitch,
    @Bindable(defaultValue = "4h") Duration decisionTimeout,
    @Nullable String bucket) {}
