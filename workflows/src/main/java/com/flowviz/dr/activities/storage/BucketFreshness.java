package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param newest the newest backup, or null when there is none or the bucket is unreachable
 * @param problem why the bucket could not be read, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BucketFreshness(
    String bucket, String region, boolean reachable, BackupObject newest, String problem) {}
