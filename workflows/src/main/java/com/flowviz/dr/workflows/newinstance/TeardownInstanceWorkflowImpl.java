package com.flowviz.dr.workflows.newinstance;

import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.ProvisionActivities;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.StepTracker;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class TeardownInstanceWorkflowImpl implements TeardownInstanceWorkflow {

  private final ProvisionActivities provisioning =
      Workflow.newActivityStub(
          ProvisionActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(30))
              .setHeartbeatTimeout(Duration.ofSeconds(30))
              .setScheduleToCloseTimeout(Duration.ofHours(2))
              .setRetryOptions(ActivityTimeouts.QUICK.getRetryOptions())
              .build());

  @Override
  public boolean teardown(TeardownInstanceRequest request) {
    InputValidation.instanceName("instanceName", request == null ? null : request.instanceName());
    AuditTrail trail = new AuditTrail(InputValidation.operator(request.operator()));
    try {
      return new StepTracker(trail)
          .run(
              "teardown-instance",
              () ->
                  provisioning.teardownInstance(
                      new InstanceSpec(request.instanceName(), request.region())),
              removed ->
                  (removed ? "removed " : "there was no ")
                      + request.instanceName()
                      + (request.reason() == null
                          ? ""
                          : "; reason: "
                              + InputValidation.freeText("reason", request.reason(), 2000)));
    } finally {
      trail.awaitAll();
    }
  }
}
