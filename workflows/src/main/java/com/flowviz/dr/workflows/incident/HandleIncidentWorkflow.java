package com.flowviz.dr.workflows.incident;

import com.flowviz.dr.workflows.common.Decision;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * An incident from declaration to report: the pre-recovery checklist of runbook section 3, the
 * procedure the scenario calls for (section 2) as a child workflow, the immediate post-recovery
 * checks of section 6.1, the incident report of section 7, and the 24-hour and 7-day follow-up
 * tasks as a workflow of their own.
 */
@WorkflowInterface
public interface HandleIncidentWorkflow {

  @WorkflowMethod(name = "HandleIncident")
  IncidentResult handle(IncidentRequest request);

  /**
   * 2.3: choose surgical, full-restore or abandon once the data gap is known; answers what happens
   * next.
   */
  @UpdateMethod
  String chooseRecovery(RecoveryChoice choice);

  @UpdateValidatorMethod(updateName = "chooseRecovery")
  void validateChoice(RecoveryChoice choice);

  /** The same as {@link #chooseRecovery}, for senders that cannot wait for an answer. */
  @SignalMethod
  void recoveryChoice(RecoveryChoice choice);

  /**
   * A person's answer at the incident's swap gate, held there when its approvals (an automated
   * trigger's policy) ask for it. Answers what happens next.
   */
  @UpdateMethod
  String decide(Decision decision);

  @UpdateValidatorMethod(updateName = "decide")
  void validateDecision(Decision decision);

  /** The same as {@link #decide}, for senders that cannot wait for an answer. */
  @SignalMethod
  void decision(Decision decision);

  @QueryMethod
  IncidentProgress progress();
}
