package com.flowviz.dr.worker.triggers;

/**
 * What happened to one declared incident, as the endpoint answers it.
 *
 * @param status "started", "duplicate" (this alert episode already has its incident) or "refused"
 */
public record TriggerOutcome(String status, String scenario, String workflowId, String message) {
  public static final String STARTED = "started";
  public static final String DUPLICATE = "duplicate";
  public static final String REFUSED = "refused";
}
