package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The bucket's lifecycle rules held against the retention table of runbook section 7. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RetentionReport(
    String bucket, boolean compliant, List<LifecycleRule> rules, List<RetentionFinding> findings) {}
