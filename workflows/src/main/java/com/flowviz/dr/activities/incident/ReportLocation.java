package com.flowviz.dr.activities.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where an incident report is kept: {@code s3://<bucket>/<prefix><incident>/report.md} and {@code
 * report.json}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReportLocation(String bucket, String markdownKey, String jsonKey) {}
