package com.flowviz.dr.activities.audit;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class AuditActivitiesImpl implements AuditActivities {

  private static final Logger log = LoggerFactory.getLogger(AuditActivitiesImpl.class);
  private final AuditStore store;
  private final AuditCopy copy;

  public AuditActivitiesImpl(AuditStore store) {
    this(store, AuditCopy.NONE);
  }

  public AuditActivitiesImpl(AuditStore store, AuditCopy copy) {
    this.store = store;
    this.copy = copy;
  }

  @Override
  public ChainVerification verifyAuditChain() {
    try {
      return store.verifyChain();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot read the audit trail in " + store.database() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public AuditTrailCheck checkAuditTrail(String incidentWorkflowId) {
    List<AuditEntry> copied;
    try {
      copied = copy.entriesOfIncident(incidentWorkflowId);
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    try {
      ChainVerification chain = store.verifyChain();
      Set<String> stored = store.storedKeys(copied);
      return new AuditTrailCheck(
          chain,
          describe(copied.stream().filter(e -> !stored.contains(AuditStore.key(e))).toList()),
          null);
    } catch (SQLException e) {
      if (!copy.configured()) {
        throw new IllegalStateException(
            "Cannot read the audit trail in " + store.database() + ": " + e.getMessage(), e);
      }
      // Every entry is in the bucket copy; which of them the database has cannot be told now.
      return new AuditTrailCheck(null, describe(copied), e.getMessage());
    }
  }

  private static List<String> describe(List<AuditEntry> entries) {
    List<String> out = new ArrayList<>();
    for (AuditEntry e : entries) {
      out.add(e.workflowId() + " #" + e.sequence() + " " + e.step());
    }
    return out;
  }

  @Override
  public List<AuditEntry> incidentTimeline(String incidentWorkflowId) {
    try {
      return store.entriesOfIncident(incidentWorkflowId);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot read the audit trail in " + store.database() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void recordAuditEntry(AuditEntry entry) {
    try {
      store.append(entry);
    } catch (SQLException e) {
      // Retried by the workflow's policy until the audit database takes it.
      throw new IllegalStateException(
          "Cannot append to the audit trail in " + store.database() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean keepAuditEntry(AuditEntry entry, boolean toDatabase) {
    if (!copy.configured()) {
      recordAuditEntry(entry); // the database is the only place: it must take the entry
      return true;
    }
    try {
      copy.keep(entry);
    } catch (S3AuditCopy.AuditCopyConflict e) {
      throw NonRetryable.failure(FailureTypes.CONFIGURATION, e.getMessage());
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    if (!toDatabase) {
      return false; // an earlier entry of this run waits to be forwarded: the chain keeps the run's
      // order
    }
    try {
      store.append(entry);
      return true;
    } catch (SQLException e) {
      log.warn(
          "Audit entry {} #{} kept in {} only; it is forwarded to {} when that is reachable: {}",
          entry.workflowId(),
          entry.sequence(),
          copy.describe(),
          store.database(),
          e.getMessage());
      return false;
    }
  }

  @Override
  public int forwardAuditEntries(String workflowId, String runId, int fromSequence) {
    List<AuditEntry> entries;
    try {
      entries = new ArrayList<>(copy.entriesOfRun(workflowId, runId));
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    entries.sort(Comparator.comparingInt(AuditEntry::sequence));
    int forwarded = 0;
    for (AuditEntry entry : entries) {
      if (entry.sequence() < fromSequence) {
        continue;
      }
      // In sequence order, each one committed before the next: the chain gets the run's order,
      // and an entry already stored (an earlier try, another forwarder) is skipped by its key.
      recordAuditEntry(entry);
      forwarded++;
    }
    return forwarded;
  }
}
