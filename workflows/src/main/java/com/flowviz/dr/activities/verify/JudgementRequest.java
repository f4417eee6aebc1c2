package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.postgres.PgServer;
import java.time.Instant;

/**
 * What {@link VerificationActivities#judgeRestoredDatabase} judges.
 *
 * @param restoredDatabase the restore (a staging database) whose 5.2 results are judged
 * @param backupTakenAt when the backup was taken; null: the newest lot's age is not judged
 * @param liveDatabase the live database the restore would replace, whose row counts it is compared
 *     with; null when a manifest says what the source held (or the caller compares itself)
 * @param server the server both are on; null for the worker's own
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JudgementRequest(
    String restoredDatabase, Instant backupTakenAt, String liveDatabase, PgServer server) {}
