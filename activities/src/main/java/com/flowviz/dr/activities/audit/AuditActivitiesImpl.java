package com.flowviz.dr.activities.audit;

import java.sql.SQLException;

public class AuditActivitiesImpl implements AuditActivities {

  private final AuditStore store;

  public AuditActivitiesImpl(AuditStore store) {
    this.store = store;
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
