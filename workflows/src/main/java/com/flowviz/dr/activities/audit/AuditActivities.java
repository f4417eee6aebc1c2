package com.flowviz.dr.activities.audit;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The append-only audit trail, in a PostgreSQL database of its own. */
@ActivityInterface
public interface AuditActivities {

  /** Appends an entry; appending the same (workflow run, sequence) twice stores it once. */
  @ActivityMethod
  void recordAuditEntry(AuditEntry entry);

  /** Recomputes the hash chain of the whole trail and names the first entry that breaks it. */
  @ActivityMethod
  ChainVerification verifyAuditChain();

  /** Entries of an incident and of the procedures it started, in the order they were written. */
  @ActivityMethod
  java.util.List<AuditEntry> incidentTimeline(String incidentWorkflowId);
}
