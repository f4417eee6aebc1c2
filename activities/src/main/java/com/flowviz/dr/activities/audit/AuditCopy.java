package com.flowviz.dr.activities.audit;

import java.io.IOException;
import java.util.List;

/**
 * The append-only copy of every audit entry, kept apart from the audit database (the compliance
 * bucket): an entry is durable there before its step counts as done, and the database gets it later
 * when it was unreachable.
 */
public interface AuditCopy {

  /** No copy configured: the audit database is the only place an entry is kept. */
  AuditCopy NONE =
      new AuditCopy() {
        @Override
        public boolean configured() {
          return false;
        }

        @Override
        public void keep(AuditEntry entry) {}

        @Override
        public List<AuditEntry> entriesOfRun(String workflowId, String runId) {
          return List.of();
        }

        @Override
        public List<AuditEntry> entriesOfIncident(String incidentWorkflowId) {
          return List.of();
        }

        @Override
        public String describe() {
          return "no copy";
        }
      };

  boolean configured();

  /**
   * Writes the entry once; the same entry written again is a no-op, a different one under its key a
   * refusal.
   */
  void keep(AuditEntry entry) throws IOException;

  /** One workflow run's entries, by sequence. */
  List<AuditEntry> entriesOfRun(String workflowId, String runId) throws IOException;

  /** Entries of an incident and of the workflows it started (their ids begin with its own). */
  List<AuditEntry> entriesOfIncident(String incidentWorkflowId) throws IOException;

  String describe();
}
