package com.flowviz.dr.workflows.compliance;

import com.flowviz.dr.activities.audit.AuditActivities;
import com.flowviz.dr.workflows.common.ForwardAuditEntriesWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class ForwardAuditEntriesWorkflowImpl implements ForwardAuditEntriesWorkflow {

  /**
   * The audit database may be down for as long as the outage lasts: retry every half minute at
   * most, for up to 30 days (the entries are safe in the bucket meanwhile).
   */
  private static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setScheduleToCloseTimeout(Duration.ofDays(30))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(2))
                  .setBackoffCoefficient(2.0)
                  .setMaximumInterval(Duration.ofSeconds(30))
                  .build())
          .build();

  private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, OPTIONS);

  @Override
  public int forward(AuditForwarding request) {
    return audit.forwardAuditEntries(request.workflowId(), request.runId(), request.fromSequence());
  }
}
