package com.flowviz.dr.workflows.drill;

import com.flowviz.dr.activities.drill.DrillActivities;
import com.flowviz.dr.activities.drill.DrillReport;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;

public class ListDrillsWorkflowImpl implements ListDrillsWorkflow {

  private final DrillActivities drills =
      Workflow.newActivityStub(DrillActivities.class, ActivityTimeouts.QUICK);

  @Override
  public DrillHistory list(DrillHistoryRequest request) {
    int limit = DrillHistoryPlan.from(request).limit();
    List<DrillReport> reports = drills.recentDrillReports(limit);
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    // Two restores of different kinds: one line through both would say nothing about either.
    List<DrillReport> pitr = reports.stream().filter(r -> "pitr".equals(r.path())).toList();
    List<DrillReport> dump = reports.stream().filter(r -> !"pitr".equals(r.path())).toList();
    return new DrillHistory(reports, RtoTrend.of(dump, now), RtoTrend.of(pitr, now));
  }
}
