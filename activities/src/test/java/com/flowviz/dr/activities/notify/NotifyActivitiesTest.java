package com.flowviz.dr.activities.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.testing.HttpInbox;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;

/** Notifications through moto's SNS (delivered to an HTTP subscriber) and webhooks on loopback. */
class NotifyActivitiesTest {

  private HttpInbox inbox;
  private SnsClient sns;
  private TestActivityEnvironment env;
  private String topic;

  private final AuditStore ledger =
      new AuditStore(TestPostgres.client(), TestPostgres.newDatabaseName("ledger"));

  @BeforeEach
  void setUp() {
    inbox = HttpInbox.start();
    sns = TestMoto.sns();
    topic = TestMoto.newTopicDeliveringTo(sns, inbox.url("/sns"));
    env = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void tearDown() {
    env.close();
    sns.close();
    inbox.close();
  }

  private NotifyActivities activities(List<NotificationChannel> channels) {
    env.registerActivitiesImplementations(new NotifyActivitiesImpl(channels, ledger));
    return TestActivities.stub(env, NotifyActivities.class);
  }

  private static Notification declared() {
    return new Notification(
        "incident-7:declared",
        "incident-7",
        "critical",
        "trigger",
        "Incident incident-7: 2.1 database-corruption",
        Map.of("operator", "alice"));
  }

  @Test
  void everyChannelGetsTheNotificationInItsOwnShape() throws Exception {
    NotifyActivities notify =
        activities(
            List.of(
                new SnsChannel(sns, topic),
                new WebhookChannel(
                    WebhookChannel.Format.SLACK,
                    URI.create(inbox.url("/slack/T000/B000/secret-token")),
                    null),
                new WebhookChannel(
                    WebhookChannel.Format.PAGERDUTY,
                    URI.create(inbox.url("/pagerduty")),
                    "routing-key-1"),
                new WebhookChannel(
                    WebhookChannel.Format.GENERIC, URI.create(inbox.url("/generic")), null)));

    NotificationReceipt receipt = notify.notify(declared());

    assertEquals(4, receipt.delivered().size());
    assertTrue(
        receipt.delivered().stream().noneMatch(c -> c.contains("secret-token")),
        "a Slack URL's token is not in receipts: " + receipt);
    JsonNode snsEnvelope =
        Json.MAPPER.readTree(
            inbox.await("/sns", b -> b.contains("Notification"), Duration.ofSeconds(10)).body());
    JsonNode snsMessage = Json.MAPPER.readTree(snsEnvelope.get("Message").asText());
    assertEquals("incident-7:declared", snsMessage.get("eventId").asText());
    assertTrue(snsEnvelope.get("Subject").asText().startsWith("[FlowViz DR] Incident incident-7"));
    JsonNode slack =
        Json.MAPPER.readTree(inbox.received("/slack/T000/B000/secret-token").get(0).body());
    assertTrue(slack.get("text").asText().contains("Incident incident-7: 2.1 database-corruption"));
    JsonNode pagerDuty = Json.MAPPER.readTree(inbox.received("/pagerduty").get(0).body());
    assertEquals("routing-key-1", pagerDuty.get("routing_key").asText());
    assertEquals("trigger", pagerDuty.get("event_action").asText());
    assertEquals("incident-7", pagerDuty.get("dedup_key").asText());
    assertEquals("critical", pagerDuty.get("payload").get("severity").asText());
    assertEquals("flowviz-dr", pagerDuty.get("payload").get("source").asText());
    assertEquals(
        "incident-7",
        Json.MAPPER.readTree(inbox.received("/generic").get(0).body()).get("incidentId").asText());
  }

  @Test
  void aResolutionResolvesThePagerDutyIncident() throws Exception {
    NotifyActivities notify =
        activities(
            List.of(
                new WebhookChannel(
                    WebhookChannel.Format.PAGERDUTY, URI.create(inbox.url("/pd")), "rk")));
    notify.notify(
        new Notification(
            "incident-8:resolved",
            "incident-8",
            "info",
            "resolve",
            "Incident incident-8 recovered",
            Map.of()));
    JsonNode event = Json.MAPPER.readTree(inbox.received("/pd").get(0).body());
    assertEquals("resolve", event.get("event_action").asText());
    assertEquals("incident-8", event.get("dedup_key").asText());
  }

  @Test
  void aFailingChannelFailsTheAttemptAfterTheOthersHaveIt() {
    inbox.failNext("/down", 100);
    NotifyActivities notify =
        activities(
            List.of(
                new WebhookChannel(
                    WebhookChannel.Format.GENERIC, URI.create(inbox.url("/down")), null),
                new WebhookChannel(
                    WebhookChannel.Format.GENERIC, URI.create(inbox.url("/up")), null)));

    ActivityFailure failure = assertThrows(ActivityFailure.class, () -> notify.notify(declared()));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertTrue(cause.getOriginalMessage().contains("503"), cause.getOriginalMessage());
    assertEquals(NotifyActivities.NOT_DELIVERED, cause.getType());
    assertEquals(
        1,
        inbox.received("/up").size(),
        "the healthy channel was not held back by the failing one");
    assertEquals(
        List.of(
            new WebhookChannel(WebhookChannel.Format.GENERIC, URI.create(inbox.url("/up")), null)
                .name()),
        cause.getDetails().get(List.class),
        "the failure says who already has it, for the next round");
  }

  @Test
  void aRetrySendsOnlyToTheChannelsThatHaveNotHadIt() {
    WebhookChannel up =
        new WebhookChannel(WebhookChannel.Format.GENERIC, URI.create(inbox.url("/up")), null);
    WebhookChannel flaky =
        new WebhookChannel(WebhookChannel.Format.GENERIC, URI.create(inbox.url("/flaky")), null);
    NotifyActivities notify = activities(List.of(up, flaky));
    // What an earlier attempt heartbeated before it failed on the flaky channel.
    env.setHeartbeatDetails(List.of(up.name()));

    NotificationReceipt receipt = notify.notify(declared());

    assertEquals(List.of(up.name(), flaky.name()), receipt.delivered());
    assertEquals(0, inbox.received("/up").size(), "not sent twice");
    assertEquals(1, inbox.received("/flaky").size());
  }

  @Test
  void aNotificationSkipsTheChannelsItSaysAlreadyHadIt() {
    WebhookChannel up =
        new WebhookChannel(WebhookChannel.Format.GENERIC, URI.create(inbox.url("/up")), null);
    WebhookChannel other =
        new WebhookChannel(WebhookChannel.Format.GENERIC, URI.create(inbox.url("/other")), null);
    NotificationReceipt receipt =
        activities(List.of(up, other)).notify(declared().alsoDeliveredTo(List.of(up.name())));
    assertEquals(List.of(up.name(), other.name()), receipt.delivered());
    assertEquals(0, inbox.received("/up").size());
    assertEquals(1, inbox.received("/other").size());
  }

  @Test
  void noChannelsConfiguredDeliversNowhereWithoutFailing() {
    NotificationReceipt receipt = activities(List.of()).notify(declared());
    assertFalse(receipt.delivered().iterator().hasNext());
  }

  @Test
  void theWorkflowsNextTryAfterAWorkerDiedSendsNothingTheLedgerRecorded() throws Exception {
    SnsChannel snsChannel = new SnsChannel(sns, topic);
    WebhookChannel generic =
        new WebhookChannel(WebhookChannel.Format.GENERIC, URI.create(inbox.url("/generic")), null);
    NotifyActivities notify = activities(List.of(snsChannel, generic));
    notify.notify(declared());
    inbox.await("/sns", b -> b.contains("Notification"), Duration.ofSeconds(10));

    // A new activity, as the Notifier starts after a timeout: no heartbeat of the last one reaches
    // it.
    NotificationReceipt again = notify.notify(declared());

    Thread.sleep(1000); // an SNS delivery would be on its way by now
    assertEquals(
        1,
        inbox.received("/sns").stream()
            .filter(r -> r.body().contains("incident-7:declared"))
            .count());
    assertEquals(1, inbox.received("/generic").size());
    assertEquals(Set.of(snsChannel.name(), generic.name()), Set.copyOf(again.delivered()));
    assertEquals(
        Set.of(snsChannel.name(), generic.name()), ledger.deliveredChannels("incident-7:declared"));
  }
}
