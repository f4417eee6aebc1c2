package com.flowviz.dr.workflows.compliance;

import com.flowviz.dr.activities.incident.StoredReport;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Reads an incident report back from the compliance location, for the starter. */
@WorkflowInterface
public interface FetchIncidentReportWorkflow {

  @WorkflowMethod(name = "FetchIncidentReport")
  StoredReport fetch(String incidentId);
}
