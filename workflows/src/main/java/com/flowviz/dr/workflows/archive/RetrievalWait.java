package com.flowviz.dr.workflows.archive;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.time.Instant;

/**
 * A retrieval from the archive, as the UI and the starter show it while the workflow waits.
 *
 * @param outcome REQUESTED, JOINED (someone else's retrieval), ALREADY_RETRIEVED or NOT_ARCHIVED
 * @param expectedWindow e.g. "Deep Archive: within 12 hours"
 * @param expectedBy the promised latest completion
 * @param completedAt when the copy was found readable, or null while waiting
 * @param completedBy POLL or NOTIFICATION (a signal from an S3 ObjectRestore:Completed event)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RetrievalWait(
    String key,
    String archiveClass,
    String tier,
    int days,
    String outcome,
    Instant since,
    String expectedWindow,
    Instant expectedBy,
    Duration pollInterval,
    Instant completedAt,
    String completedBy) {

  RetrievalWait completed(Instant at, String by) {
    return new RetrievalWait(
        key,
        archiveClass,
        tier,
        days,
        outcome,
        since,
        expectedWindow,
        expectedBy,
        pollInterval,
        at,
        by);
  }
}
