package com.flowviz.dr.workflows;

import com.flowviz.dr.activities.audit.AuditActivities;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.audit.ChainVerification;
import java.util.List;

/** The audit trail of workflow unit tests: entries land in a list the test reads. */
public final class RecordingAudit implements AuditActivities {
  private final List<AuditEntry> entries;

  public RecordingAudit(List<AuditEntry> entries) {
    this.entries = entries;
  }

  @Override
  public synchronized void recordAuditEntry(AuditEntry entry) {
    entries.add(entry);
  }

  @Override
  public boolean keepAuditEntry(AuditEntry entry, boolean toDatabase) {
    recordAuditEntry(entry);
    return true;
  }

  @Override
  public int forwardAuditEntries(String workflowId, String runId, int fromSequence) {
    return 0;
  }

  @Override
  public com.flowviz.dr.activities.audit.AuditTrailCheck checkAuditTrail(
      String incidentWorkflowId) {
    return new com.flowviz.dr.activities.audit.AuditTrailCheck(verifyAuditChain(), List.of(), null);
  }

  @Override
  public ChainVerification verifyAuditChain() {
    return new ChainVerification(true, entries.size(), 0, "in memory");
  }

  @Override
  public synchronized List<AuditEntry> incidentTimeline(String incidentWorkflowId) {
    return entries.stream()
        .filter(
            e ->
                e.workflowId().equals(incidentWorkflowId)
                    || e.workflowId().startsWith(incidentWorkflowId + "-"))
        .toList();
  }
}
