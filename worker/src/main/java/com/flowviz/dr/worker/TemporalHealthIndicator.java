package com.flowviz.dr.worker;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.inject.Singleton;
import java.util.Map;

/** The worker is only useful while it reaches its Temporal server. */
@Singleton
public class TemporalHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

  private final WorkflowServiceStubs stubs;

  public TemporalHealthIndicator(WorkflowServiceStubs stubs) {
    this.stubs = stubs;
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    var status = stubs.healthCheck().getStatus();
    healthStatus = status.name().equals("SERVING") ? HealthStatus.UP : HealthStatus.DOWN;
    return Map.of("target", stubs.getOptions().getTarget(), "status", status.name());
  }

  @Override
  protected String getName() {
    return "temporal";
  }
}
