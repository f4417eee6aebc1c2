package com.flowviz.dr.workflows.drill;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param limit how many of the newest drills, default 10, at most 500
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrillHistoryRequest(Integer limit) {}
