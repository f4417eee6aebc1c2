package com.flowviz.dr.workflows.failover;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.storage.BucketFreshness;
import com.flowviz.dr.workflows.common.RpoAssessment;
import java.time.Duration;

/**
 * Runbook 4.4 step 1: how fresh the backups in the bucket we restore from are.
 *
 * @param age of the newest backup when the failover began, held against the RPO
 * @param replicationLag how far the source bucket's newest backup trails the compared bucket's;
 *     null when the compared bucket could not be read (the primary region is down, say)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FreshnessReport(
    BucketFreshness source,
    BucketFreshness compared,
    Duration age,
    RpoAssessment rpo,
    Duration replicationLag) {}
