package com.flowviz.dr.activities.audit;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The append-only audit trail, in a PostgreSQL database of its own. */
@ActivityInterface
public interface AuditActivities {

  /** Appends an entry; appending the same (workflow run, sequence) twice stores it once. */
  @ActivityMethod
  void recordAuditEntry(AuditEntry entry);
}
