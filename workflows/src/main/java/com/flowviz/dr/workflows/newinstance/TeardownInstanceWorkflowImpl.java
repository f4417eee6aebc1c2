package com.flowviz.dr.workflows.newinstance;

import com.flowviz.dr.activities.provision.ProvisionActivities;
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
    TeardownPlan plan = TeardownPlan.from(request);
    AuditTrail trail = new AuditTrail(plan.operator());
    try {
      return new StepTracker(trail)
          .run(
              NewInstanceSteps.TEARDOWN,
              () -> provisioning.teardownInstance(plan.instance()),
              removed ->
                  (removed ? "removed " : "there was no ")
                      + plan.instance().name()
                      + plan.reasonNote());
    } finally {
      trail.awaitAll();
    }
  }
}
