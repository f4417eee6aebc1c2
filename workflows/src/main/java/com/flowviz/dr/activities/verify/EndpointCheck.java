package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One HTTP probe of the runbook's 5.3 connectivity test. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EndpointCheck(String url, boolean healthy, int status, long millis, String detail) {}
