package com.flowviz.dr.workflows.compliance;

import com.flowviz.dr.workflows.InputValidation;

/** The incident whose stored report is fetched, its id checked before the store is read. */
record IncidentReportPlan(String incidentId) {

  static IncidentReportPlan from(String incidentId) {
    if (incidentId == null || !incidentId.matches("[A-Za-z0-9._:-]{1,200}")) {
      throw InputValidation.invalid(
          "\""
              + (incidentId == null ? "" : InputValidation.printable(incidentId))
              + "\" is not an incident id; give the id of the incident workflow, e.g."
              + " incident-2-3-20250119-100500.");
    }
    return new IncidentReportPlan(incidentId);
  }
}
