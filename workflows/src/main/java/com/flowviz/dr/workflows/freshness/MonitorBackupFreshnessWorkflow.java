package com.flowviz.dr.workflows.freshness;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Watches the newest backup per bucket and prefix against the runbook's RPO (2 h target, 24 h
 * maximum) and tells stakeholders once per breach: when it begins, if it passes the maximum, and
 * when it ends, never once per check. Runs until cancelled, continuing as a new run now and then.
 */
@WorkflowInterface
public interface MonitorBackupFreshnessWorkflow {

  @WorkflowMethod(name = "MonitorBackupFreshness")
  void monitor(FreshnessMonitorRequest request);

  @QueryMethod
  List<LocationFreshness> status();

  /** The WAL exposure of each archiving server; empty on runs started before it was watched. */
  @QueryMethod
  List<ServerExposure> walExposure();

  /** Look now rather than at the next interval (after a backup was fixed, say). */
  @SignalMethod
  void checkNow();
}
