package com.flowviz.dr.workflows.lease;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What a lease covers and who took it, for people reading the lease workflow in the UI.
 *
 * @param server the server as the lease id names it ("default": the worker's own)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LeaseRequest(
    String server, String database, String holderWorkflowId, String procedure) {}
