package com.flowviz.dr.worker.triggers;

import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflow;
import com.flowviz.dr.workflows.incident.IncidentRequest;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the incident workflow for an alert, exactly once per alert episode. The workflow id is a
 * function of the episode, and Temporal refuses a second start with that id, whether the first run
 * is still going or long finished (REJECT_DUPLICATE): Alertmanager's repeat notifications, SNS
 * redeliveries, retries after a lost answer and several worker replicas all land on one run.
 */
@Singleton
public class IncidentStarter {

  private static final Logger log = LoggerFactory.getLogger(IncidentStarter.class);

  private final WorkflowClient client;
  private final AutomationPolicy policy;

  public IncidentStarter(WorkflowClient client, AutomationPolicy policy) {
    this.client = client;
    this.policy = policy;
  }

  public static String workflowId(DeclaredIncident incident) {
    return "incident-auto-"
        + incident.scenario().id()
        + "-"
        + incident.database().replace('_', '-')
        + "-"
        + sha256(incident.trigger().source() + "|" + incident.episode()).substring(0, 16);
  }

  public TriggerOutcome declare(DeclaredIncident incident) {
    String id = workflowId(incident);
    if (!policy.allows(incident.scenario())) {
      log.warn(
          "Refused to declare {} from {}: the policy {} does not let automation declare it",
          incident.scenario().describe(),
          incident.trigger().describe(),
          policy.name());
      return new TriggerOutcome(
          TriggerOutcome.REFUSED,
          incident.scenario().describe(),
          null,
          "the automation policy "
              + policy.name()
              + " does not let an alert declare "
              + incident.scenario().describe()
              + "; a person declares it (flowviz-dr incident "
              + incident.scenario().id()
              + " ...)");
    }
    IncidentRequest request =
        IncidentRequest.builder()
            .scenario(incident.scenario().id())
            .detectedAt(incident.detectedAt().toString())
            .operator(policy.operator())
            .notes(incident.notes())
            .targetDatabase(incident.database())
            .bucket(policy.bucket())
            .decisionTimeout(policy.decisionTimeout().toString())
            .approvals(policy.approvals())
            .trigger(incident.trigger())
            .build();
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(TaskQueues.DR)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
            .setStaticSummary(
                "Automated "
                    + incident.scenario().describe()
                    + " on "
                    + incident.database()
                    + ": "
                    + incident.trigger().alert())
            .setStaticDetails(
                "Declared by "
                    + incident.trigger().describe()
                    + "\n\nLink: "
                    + incident.trigger().link()
                    + "\n\n"
                    + policy.describe())
            .build();
    HandleIncidentWorkflow workflow = client.newWorkflowStub(HandleIncidentWorkflow.class, options);
    try {
      WorkflowClient.start(workflow::handle, request);
      log.info(
          "Declared incident {} ({}) from {}",
          id,
          incident.scenario().describe(),
          incident.trigger().describe());
      return new TriggerOutcome(
          TriggerOutcome.STARTED,
          incident.scenario().describe(),
          id,
          "incident declared under policy " + policy.name() + ": " + policy.describe());
    } catch (WorkflowExecutionAlreadyStarted e) {
      log.info(
          "Incident {} already declared for this alert episode ({}); nothing started",
          id,
          incident.trigger().describe());
      return new TriggerOutcome(
          TriggerOutcome.DUPLICATE,
          incident.scenario().describe(),
          id,
          "this alert episode already declared " + id + "; nothing new was started");
    }
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
