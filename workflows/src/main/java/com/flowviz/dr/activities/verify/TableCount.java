package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * @param expectedRows from the backup manifest, or null when there is none
 * @param newestCreatedAt MAX(created_at), or null when the table has no such column or no rows
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TableCount(
    String table,
    long rows,
    Long expectedRows,
    Instant newestCreatedAt,
    Instant expectedNewestCreatedAt) {}
