package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;

/**
 * Where stakeholder notifications go (runbook section 1's contacts: on-call via PagerDuty, the team
 * via Slack or e-mail subscriptions on the SNS topic).
 *
 * @param snsTopicArn an SNS topic (e-mail and SMS subscribers hang off it)
 * @param webhooks each "format=url" with format slack, pagerduty or generic; the PagerDuty URL is
 *     the Events API v2 endpoint, e.g. pagerduty=https://events.pagerduty.com/v2/enqueue
 * @param pagerdutyRoutingKeySecret the secret holding PagerDuty's integration (routing) key
 */
@ConfigurationProperties("flowviz.notify")
public record NotifySettings(
    @Nullable String snsTopicArn,
    @Nullable List<String> webhooks,
    @Bindable(defaultValue = "flowviz/notify/pagerduty-routing-key")
        String pagerdutyRoutingKeySecret) {}
