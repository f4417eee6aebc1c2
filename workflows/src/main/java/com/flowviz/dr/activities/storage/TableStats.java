package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/** Row count and newest created_at of one table, as the backup saw it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TableStats(String table, long rows, Instant newestCreatedAt) {}
