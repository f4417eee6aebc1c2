package com.flowviz.dr.worker.triggers;

import com.flowviz.dr.workflows.incident.Scenario;
import com.flowviz.dr.workflows.incident.Trigger;
import java.time.Instant;

/**
 * An incident an alert declares, before it is started.
 *
 * @param episode what makes this alert episode unique at its source (Alertmanager group key and the
 *     time the group began firing; CloudWatch alarm ARN and state change time): the same episode
 *     always yields the same workflow id
 */
public record DeclaredIncident(
    Scenario scenario,
    String database,
    String episode,
    Instant detectedAt,
    String notes,
    Trigger trigger) {}
