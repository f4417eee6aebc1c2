package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * @param configured false when no endpoints are configured, in which case the test was skipped
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConnectivityReport(
    boolean configured, boolean healthy, List<EndpointCheck> endpoints) {}
