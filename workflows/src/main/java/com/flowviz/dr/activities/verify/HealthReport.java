package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The public health probe after a DNS switch (runbook 4.4 step 5).
 *
 * @param observations the first probes and the last ones, so a report of a service that never
 *     turned green shows what it answered
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HealthReport(
    String url,
    boolean healthy,
    int probes,
    long healthyAfterMillis,
    List<HealthObservation> observations) {}
