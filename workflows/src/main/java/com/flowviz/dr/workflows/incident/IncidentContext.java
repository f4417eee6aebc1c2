package com.flowviz.dr.workflows.incident;

import com.flowviz.dr.activities.postgres.DataGap;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.workflows.common.ApprovalGates;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Notifier;
import com.flowviz.dr.workflows.common.StepTracker;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;

/**
 * What the checklist and the scenario procedures of one incident share: its plan, its steps and
 * audit trail, its notifier, the activities and the gates; and what they have learned so far, which
 * the progress query and the update handlers read.
 */
final class IncidentContext {
  final IncidentPlan plan;
  final AuditTrail trail;
  final StepTracker steps;
  final Notifier notifier;
  final IncidentStubs stubs;
  final ApprovalGates gates;

  /** What the incident waits for a person to do, for the progress query; null when nothing. */
  String awaiting;

  /** The child workflow running the procedure, where its own gates are answered. */
  String procedureWorkflowId;

  /** The backup the checklist identified. */
  BackupObject backup;

  /** 2.3: the gap between the live database and the staged backup. */
  DataGap dataGap;

  /** 2.3: the operator's choice, once made; and whether the incident is waiting for it. */
  RecoveryChoice choice;

  boolean awaitingChoice;

  /** The configured notification channels; null in runs that predate STEPS_AS_THEY_HAPPENED. */
  List<String> notificationChannels;

  IncidentContext(IncidentPlan plan, IncidentStubs stubs, ApprovalGates gates) {
    this.plan = plan;
    this.stubs = stubs;
    this.gates = gates;
    this.trail = new AuditTrail(plan.operator());
    this.steps = new StepTracker(trail);
    this.notifier = new Notifier(trail, plan.incidentId());
  }

  static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
