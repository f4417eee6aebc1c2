package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A RestoreObject request (runbook 4.2 step 3).
 *
 * @param tier Expedited, Standard or Bulk
 * @param days how long the temporary copy stays readable
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RetrievalRequest(String bucket, String key, String tier, int days) {}
