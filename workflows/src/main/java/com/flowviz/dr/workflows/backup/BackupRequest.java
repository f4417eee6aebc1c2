package com.flowviz.dr.workflows.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Input of the backup workflow; every field may be left out.
 *
 * <pre>{@code {"sourceDatabase": "flowviz", "operator": "backup-schedule"}}</pre>
 *
 * @param sourceDatabase default {@code flowviz}
 * @param bucket default {@code flowviz-backups}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupRequest(String sourceDatabase, String bucket, String operator, String reason) {}
