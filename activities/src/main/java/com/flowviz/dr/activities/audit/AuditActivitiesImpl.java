package com.flowviz.dr.activities.audit;

import java.sql.SQLException;

public class AuditActivitiesImpl implements AuditActivities {

  private final AuditStore store;

  public AuditActivitiesImpl(AuditStore store) {
    this.store = store;
  }

  @Override
  public ChainVerification verifyAuditChain() {
    try {
      return store.verifyChain();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the audit trail in " + store.database() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public java.util.List<AuditEntry> incidentTimeline(String incidentWorkflowId) {
    try {
      return store.entriesOfIncident(incidentWorkflowId);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the audit trail in " + store.database() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void recordAuditEntry(AuditEntry entry) {
    try {
      store.append(entry);
    } catch (SQLException e) {
      // Retried by the workflow's policy until the audit database takes it.
      throw new IllegalStateException("Cannot append to the audit trail in " + store.database() + ": " + e.getMessage(), e);
    }
  }
}
