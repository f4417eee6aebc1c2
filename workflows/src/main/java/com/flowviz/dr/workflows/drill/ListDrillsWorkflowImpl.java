package com.flowviz.dr.workflows.drill;

import com.flowviz.dr.activities.drill.DrillActivities;
import com.flowviz.dr.activities.drill.DrillReport;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;

public class ListDrillsWorkflowImpl implements ListDrillsWorkflow {

  private final DrillActivities drills =
      Workflow.newActivityStub(DrillActivities.class, ActivityTimeouts.QUICK);

  @Override
  public DrillHistory list(DrillHistoryRequest request) {
    int limit = request == null || request.limit() == null ? 10 : request.limit();
    if (limit < 1 || limit > 500) {
      throw InputValidation.invalid(
          "limit " + limit + " is out of range: ask for 1 to 500 drills.");
    }
    List<DrillReport> reports = drills.recentDrillReports(limit);
    return new DrillHistory(
        reports, RtoTrend.of(reports, Instant.ofEpochMilli(Workflow.currentTimeMillis())));
  }
}
