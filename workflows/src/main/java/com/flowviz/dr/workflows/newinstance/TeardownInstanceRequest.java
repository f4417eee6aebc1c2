package com.flowviz.dr.workflows.newinstance;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param instanceName an instance made by RestoreToNewInstance (its result names it)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TeardownInstanceRequest(
    String instanceName, String region, String operator, String reason) {}
