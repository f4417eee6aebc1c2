package com.flowviz.dr.activities.physical;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The RPO exposure of continuous archiving, seen from the server and from the bucket. Both only
 * read; neither fails because what it looks at is down: that is what they report.
 */
@ActivityInterface
public interface WalExposureActivities {

  /**
   * The server's archiver state and the WAL not yet archived (see {@link ArchiverStatus}). An
   * unreachable server is a result ({@code reachable = false}), not a failure. Fails non-retryable
   * only when the role may not read it (it needs {@code pg_monitor}) or the server is unknown.
   */
  @ActivityMethod
  ArchiverStatus archiverStatus(String server);

  /** The newest WAL object and complete base backup of the cluster in the bucket. */
  @ActivityMethod
  ArchiveContents archiveContents(ArchiveLocation location);
}
