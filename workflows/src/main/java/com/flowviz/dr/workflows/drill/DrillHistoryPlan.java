package com.flowviz.dr.workflows.drill;

import com.flowviz.dr.workflows.InputValidation;

/** How many recent drills to list, checked before the reports are read. */
record DrillHistoryPlan(int limit) {

  static DrillHistoryPlan from(DrillHistoryRequest request) {
    int limit = request == null || request.limit() == null ? 10 : request.limit();
    if (limit < 1 || limit > 500) {
      throw InputValidation.invalid(
          "limit " + limit + " is out of range: ask for 1 to 500 drills.");
    }
    return new DrillHistoryPlan(limit);
  }
}
