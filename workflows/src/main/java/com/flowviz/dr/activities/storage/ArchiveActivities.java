package com.flowviz.dr.activities.storage;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Archived backups (Glacier Flexible Retrieval, Deep Archive) and the bucket's retention. */
@ActivityInterface
public interface ArchiveActivities {

  /** HeadObject: can the object be read now, and if not, why. */
  @ActivityMethod
  ArchiveStatus inspectArchive(BackupObject backup);

  /**
   * RestoreObject with the request's tier and days, unless a retrieval is already under way (then
   * it is joined) or done. Safe to run twice: the second run finds the first's retrieval.
   */
  @ActivityMethod
  RetrievalOutcome requestRetrieval(RetrievalRequest request);

  /**
   * One look at a retrieval under way: returns when the copy is readable, and fails (retryably,
   * type {@code RetrievalNotReady}) while it is not. Meant to be retried by the server at a
   * constant interval, which costs nothing while waiting and adds no history events.
   */
  @ActivityMethod
  ArchiveStatus checkRetrieval(BackupObject backup);

  /** Reads the bucket's lifecycle configuration and holds it against runbook section 7. */
  @ActivityMethod
  RetentionReport checkRetention(String bucket);
}
