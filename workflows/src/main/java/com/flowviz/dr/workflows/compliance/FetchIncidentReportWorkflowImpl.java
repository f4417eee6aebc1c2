package com.flowviz.dr.workflows.compliance;

import com.flowviz.dr.activities.incident.IncidentActivities;
import com.flowviz.dr.activities.incident.StoredReport;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import io.temporal.workflow.Workflow;

public class FetchIncidentReportWorkflowImpl implements FetchIncidentReportWorkflow {

  private final IncidentActivities incident =
      Workflow.newActivityStub(IncidentActivities.class, ActivityTimeouts.QUICK);

  @Override
  public StoredReport fetch(String incidentId) {
    return incident.readIncidentReport(IncidentReportPlan.from(incidentId).incidentId());
  }
}
