package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.audit.AuditActivitiesImpl;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.notify.DeliveryLedger;
import com.flowviz.dr.activities.notify.NotifyActivitiesImpl;
import com.flowviz.dr.activities.notify.SnsChannel;
import com.flowviz.dr.activities.notify.WebhookChannel;
import com.flowviz.dr.activities.testing.HttpInbox;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.incident.Acknowledgement;
import com.flowviz.dr.workflows.incident.FollowUpRequest;
import com.flowviz.dr.workflows.incident.IncidentFollowUpWorkflow;
import com.flowviz.dr.workflows.incident.IncidentFollowUpWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The 7-day compliance deadline with the clock skipped ahead, on real channels: the reminder and
 * the escalation reach PagerDuty and Slack webhooks on loopback and an SNS topic in moto, and the
 * audit trail in PostgreSQL records them.
 */
class FollowUpDeadlinesTest {

  @Test
  void theSevenDayDeadlineSendsItsReminderAndEscalationToEveryChannel() throws Exception {
    String auditDatabase = TestPostgres.newDatabaseName("audit");
    try (HttpInbox inbox = HttpInbox.start();
        SnsClient sns = TestMoto.sns();
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      String topic = TestMoto.newTopicDeliveringTo(sns, inbox.url("/sns"));
      Worker worker = env.newWorker(TaskQueues.DR);
      worker.registerWorkflowImplementationTypes(IncidentFollowUpWorkflowImpl.class);
      worker.registerActivitiesImplementations(
          new NotifyActivitiesImpl(
              List.of(
                  new SnsChannel(sns, topic),
                  new WebhookChannel(
                      WebhookChannel.Format.PAGERDUTY,
                      URI.create(inbox.url("/pagerduty")),
                      "routing-key"),
                  new WebhookChannel(
                      WebhookChannel.Format.SLACK, URI.create(inbox.url("/slack")), null)),
              DeliveryLedger.NONE),
          new AuditActivitiesImpl(new AuditStore(TestPostgres.client(), auditDatabase)));
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      IncidentFollowUpWorkflow followUp =
          client.newWorkflowStub(
              IncidentFollowUpWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue(TaskQueues.DR)
                  .setWorkflowId("incident-h-follow-up")
                  .build());
      WorkflowClient.start(
          followUp::followUp,
          new FollowUpRequest(
              "incident-h",
              "2.3 accidental-deletion",
              "carol",
              Instant.ofEpochMilli(env.currentTimeMillis()),
              "lots: 1 deleted",
              "backup 1 h before",
              "s3://c/incidents/incident-h/report.md",
              null,
              null));
      for (String task :
          List.of(
              "incident-report", "backup-timing-review", "lost-transactions", "runbook-update")) {
        followUp.acknowledge(new Acknowledgement(task, "carol", null));
      }

      env.sleep(Duration.ofDays(6).plusHours(1));
      inbox.await(
          "/pagerduty",
          b -> b.contains("\"severity\" : \"warning\"") && b.contains("due by"),
          Duration.ofSeconds(10));
      inbox.await("/slack", b -> b.contains("haccp-incident-filing"), Duration.ofSeconds(10));
      inbox.await("/sns", b -> b.contains("incident-h:reminder-7d"), Duration.ofSeconds(10));
      assertTrue(
          inbox.received("/pagerduty").stream().noneMatch(r -> r.body().contains("ESCALATION")),
          "no escalation before the deadline");

      env.sleep(Duration.ofDays(1));
      inbox.await(
          "/pagerduty",
          b -> b.contains("\"severity\" : \"critical\"") && b.contains("ESCALATION"),
          Duration.ofSeconds(10));
      inbox.await("/sns", b -> b.contains("incident-h:escalation-7d-1"), Duration.ofSeconds(10));

      List<AuditEntry> trail =
          new AuditStore(TestPostgres.client(), auditDatabase).entriesOf("incident-h-follow-up");
      assertEquals(1, trail.stream().filter(e -> e.step().equals("follow-up-reminder")).count());
      assertEquals(1, trail.stream().filter(e -> e.step().equals("follow-up-escalation")).count());
      assertTrue(new AuditStore(TestPostgres.client(), auditDatabase).verifyChain().intact());
    }
  }
}
