package com.flowviz.dr.workflows.compliance;

import com.flowviz.dr.activities.incident.IncidentActivities;
import com.flowviz.dr.activities.incident.StoredReport;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import io.temporal.workflow.Workflow;

public class FetchIncidentReportWorkflowImpl implements FetchIncidentReportWorkflow {

  private final IncidentActivities incident =
      Workflow.newActivityStub(IncidentActivities.class, ActivityTimeouts.QUICK);

  @Override
  public StoredReport fetch(String incidentId) {
    if (incidentId == null || !incidentId.matches("[A-Za-z0-9._:-]{1,200}")) {
      throw InputValidation.invalid(
          "\""
              + (incidentId == null ? "" : InputValidation.printable(incidentId))
              + "\" is not an incident id; give the id of the incident workflow, e.g."
              + " incident-2-3-20250119-100500.");
    }
    return incident.readIncidentReport(incidentId);
  }
}
