package com.flowviz.dr.workflows.newinstance;

import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.workflows.InputValidation;

/**
 * A teardown request, its instance and operator checked before anything is removed.
 *
 * @param reason as given; {@link #reasonNote()} checks it
 */
record TeardownPlan(InstanceSpec instance, String operator, String reason) {

  static TeardownPlan from(TeardownInstanceRequest request) {
    InputValidation.instanceName("instanceName", request == null ? null : request.instanceName());
    String operator = InputValidation.operator(request.operator());
    return new TeardownPlan(
        new InstanceSpec(request.instanceName(), request.region()), operator, request.reason());
  }

  /**
   * The reason as the step's summary ends, checked only when the summary is written (after the
   * teardown ran), as it always was: a reason that does not fit never kept an instance alive.
   */
  String reasonNote() {
    return reason == null ? "" : "; reason: " + InputValidation.freeText("reason", reason, 2000);
  }
}
