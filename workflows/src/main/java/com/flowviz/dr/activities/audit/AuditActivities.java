package com.flowviz.dr.activities.audit;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The append-only audit trail, in a PostgreSQL database of its own, and its copy in the compliance
 * bucket.
 */
@ActivityInterface
public interface AuditActivities {

  /** Appends an entry; appending the same (workflow run, sequence) twice stores it once. */
  @ActivityMethod
  void recordAuditEntry(AuditEntry entry);

  /**
   * Keeps the entry in the compliance bucket (when one is configured) and then, when {@code
   * toDatabase}, appends it to the audit database. Returns whether the database has it: false means
   * the copy has it and it waits to be forwarded. Without a copy the database must take it.
   */
  @ActivityMethod
  boolean keepAuditEntry(AuditEntry entry, boolean toDatabase);

  /**
   * Appends a run's entries from the bucket copy to the audit database, from a sequence on, in
   * order. Returns how many it read.
   */
  @ActivityMethod
  int forwardAuditEntries(String workflowId, String runId, int fromSequence);

  /** Recomputes the hash chain of the whole trail and names the first entry that breaks it. */
  @ActivityMethod
  ChainVerification verifyAuditChain();

  /** The chain, and which of the incident's entries are still pending in the bucket copy. */
  @ActivityMethod
  AuditTrailCheck checkAuditTrail(String incidentWorkflowId);

  /** Entries of an incident and of the procedures it started, in the order they were written. */
  @ActivityMethod
  List<AuditEntry> incidentTimeline(String incidentWorkflowId);
}
