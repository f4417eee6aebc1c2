package com.flowviz.dr.worker.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flowviz.dr.worker.config.TriggerSettings;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.incident.Scenario;
import com.flowviz.dr.workflows.incident.Trigger;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.messagemanager.sns.SnsMessageManager;
import software.amazon.awssdk.messagemanager.sns.model.SnsMessage;
import software.amazon.awssdk.messagemanager.sns.model.SnsNotification;
import software.amazon.awssdk.messagemanager.sns.model.SnsSubscriptionConfirmation;
import software.amazon.awssdk.regions.Region;

/**
 * SNS notifications from the accepted topics, verified with AWS's own verifier (certificate from
 * {@code https://sns.<region>.amazonaws.com}, issued to SNS, signature version 1 or 2), no older
 * than {@code flowviz.triggers.sns-max-age}; CloudWatch alarms entering ALARM declare incidents. A
 * CloudWatch alarm has no labels: its description may say {@code flowviz_scenario=2.2} and {@code
 * flowviz_database=flowviz}; otherwise its name is mapped like an alert name.
 */
@Singleton
public class SnsTrigger {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TOPIC_ARN =
      Pattern.compile("arn:aws[a-z-]*:sns:([a-z0-9-]+):\\d{12}:[A-Za-z0-9_.-]{1,256}");
  private static final Pattern DESCRIPTION_TAG =
      Pattern.compile("flowviz_(scenario|database)=([A-Za-z0-9_.-]+)");
  private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final DateTimeFormatter CLOUDWATCH_TIME =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .appendPattern("[XXX][XX][X]")
          .toFormatter();

  private final List<String> topics;
  private final Duration maxAge;
  private final SdkHttpClient http;
  private final AutomationPolicy policy;
  private final Clock clock = Clock.systemUTC();
  private final Map<Region, SnsMessageManager> verifiers = new ConcurrentHashMap<>();

  public SnsTrigger(
      TriggerSettings settings,
      @Named(SnsSigningHttp.NAME) SdkHttpClient http,
      AutomationPolicy policy) {
    this.topics = settings.snsTopicArns() == null ? List.of() : settings.snsTopicArns();
    this.maxAge = settings.snsMaxAge();
    this.http = http;
    this.policy = policy;
  }

  /** Why a request is refused, and with which status. */
  public static final class Refusal extends Exception {
    final int status;

    Refusal(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** What a verified message asks for. */
  public sealed interface Reading permits Declare, Confirmed, Ignored {}

  public record Declare(DeclaredIncident incident) implements Reading {}

  public record Confirmed(String topicArn) implements Reading {}

  public record Ignored(String why) implements Reading {}

  public Reading read(String body) throws Refusal {
    JsonNode envelope;
    try {
      envelope = body == null || body.isBlank() ? null : JSON.readTree(body);
    } catch (IOException e) {
      throw new Refusal(400, "the body is not an SNS message (JSON): " + e.getMessage());
    }
    if (envelope == null
        || !envelope.isObject()
        || !envelope.path("TopicArn").isTextual()
        || !envelope.path("Type").isTextual()) {
      throw new Refusal(400, "the body is not an SNS message: Type and TopicArn are missing");
    }
    String topicArn = envelope.path("TopicArn").asText();
    Matcher arn = TOPIC_ARN.matcher(topicArn);
    if (!arn.matches()) {
      throw new Refusal(
          400, "TopicArn \"" + InputValidation.printable(topicArn) + "\" is not an SNS topic ARN");
    }
    // Checked before the signature, so a stranger's topic costs no certificate download.
    if (!topics.contains(topicArn)) {
      throw new Refusal(
          403,
          "topic "
              + topicArn
              + " is not accepted here; list it in flowviz.triggers.sns-topic-arns");
    }
    SnsMessage message;
    try {
      message = verifier(Region.of(arn.group(1))).parseMessage(body);
    } catch (RuntimeException e) {
      // SdkClientException for a bad signature or certificate; others for a mangled envelope.
      throw new Refusal(403, "the SNS signature does not verify: " + e.getMessage());
    }
    Instant now = clock.instant();
    if (message.timestamp() == null
        || Duration.between(message.timestamp(), now).compareTo(maxAge) > 0
        || message.timestamp().isAfter(now.plus(Duration.ofMinutes(5)))) {
      throw new Refusal(
          403,
          "the message was sent at "
              + message.timestamp()
              + ", outside "
              + maxAge
              + " before now ("
              + now
              + "): a replay, or a clock out of sync");
    }
    if (message instanceof SnsSubscriptionConfirmation confirmation) {
      confirm(confirmation, arn.group(1));
      return new Confirmed(topicArn);
    }
    if (!(message instanceof SnsNotification notification)) {
      return new Ignored(message.type() + " needs no action");
    }
    return readAlarm(notification);
  }

  private Reading readAlarm(SnsNotification notification) throws Refusal {
    CloudWatchAlarm alarm;
    try {
      alarm = JSON.readValue(notification.message(), CloudWatchAlarm.class);
    } catch (IOException e) {
      throw new Refusal(
          422, "the notification is not a CloudWatch alarm (its Message is not the alarm JSON)");
    }
    if (alarm.alarmName() == null
        || alarm.newStateValue() == null
        || alarm.stateChangeTime() == null) {
      throw new Refusal(
          422,
          "the notification is not a CloudWatch alarm: AlarmName, NewStateValue or StateChangeTime"
              + " is missing");
    }
    if (!CloudWatchAlarm.ALARM.equals(alarm.newStateValue())) {
      return new Ignored(
          "alarm " + alarm.alarmName() + " is " + alarm.newStateValue() + ", not ALARM");
    }
    String scenarioTag = tag(alarm.alarmDescription(), "scenario");
    Optional<Scenario> scenario;
    try {
      scenario = policy.scenarioOf(alarm.alarmName(), scenarioTag);
    } catch (IllegalArgumentException e) {
      throw new Refusal(
          400, "alarm " + alarm.alarmName() + ": flowviz_scenario: " + e.getMessage());
    }
    if (scenario.isEmpty()) {
      throw new Refusal(
          422,
          "alarm "
              + alarm.alarmName()
              + " maps to no runbook scenario: put flowviz_scenario=2.x in its description,"
              + " or list it in flowviz.triggers.alert-scenarios");
    }
    String database =
        Optional.ofNullable(tag(alarm.alarmDescription(), "database")).orElse(Defaults.DATABASE);
    if (!DATABASE.matcher(database).matches()) {
      throw new Refusal(
          400,
          "alarm "
              + alarm.alarmName()
              + ": flowviz_database \""
              + database
              + "\" is not a PostgreSQL database name");
    }
    Instant since;
    try {
      since = OffsetDateTime.parse(alarm.stateChangeTime(), CLOUDWATCH_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new Refusal(
          400,
          "alarm "
              + alarm.alarmName()
              + ": StateChangeTime \""
              + alarm.stateChangeTime()
              + "\" is not a time");
    }
    String alarmId = alarm.alarmArn() != null ? alarm.alarmArn() : alarm.alarmName();
    Trigger trigger =
        new Trigger("sns", alarm.alarmName(), since.toString(), alarm.newStateReason(), alarmId);
    return new Declare(
        new DeclaredIncident(
            scenario.get(),
            database,
            alarmId + "|" + since,
            since,
            "declared by CloudWatch alarm "
                + alarm.alarmName()
                + " via SNS"
                + (alarm.newStateReason() == null ? "" : ": " + alarm.newStateReason()),
            trigger));
  }

  private static String tag(String description, String name) {
    if (description == null) {
      return null;
    }
    Matcher m = DESCRIPTION_TAG.matcher(description);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return m.group(2);
      }
    }
    return null;
  }

  /** The subscription's SubscribeURL, signed like the rest of the message; SNS's own host only. */
  private void confirm(SnsSubscriptionConfirmation confirmation, String region) throws Refusal {
    URI url = confirmation.subscribeUrl();
    if (url == null
        || !"https".equals(url.getScheme())
        || !("sns." + region + ".amazonaws.com").equals(url.getHost())) {
      throw new Refusal(
          403, "SubscribeURL " + url + " is not SNS's own HTTPS endpoint in " + region);
    }
    try {
      HttpExecuteResponse response =
          http.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(url).build())
                      .build())
              .call();
      response
          .responseBody()
          .ifPresent(
              b -> {
                try {
                  b.close();
                } catch (IOException ignored) {
                  // the answer's body is not needed
                }
              });
      if (!response.httpResponse().isSuccessful()) {
        throw new Refusal(
            502,
            "SNS answered the subscription confirmation with HTTP "
                + response.httpResponse().statusCode());
      }
    } catch (IOException e) {
      throw new Refusal(502, "could not confirm the subscription: " + e.getMessage());
    }
  }

  private SnsMessageManager verifier(Region region) {
    return verifiers.computeIfAbsent(
        region, r -> SnsMessageManager.builder().region(r).httpClient(http).build());
  }

  @PreDestroy
  void close() {
    verifiers.values().forEach(SnsMessageManager::close);
  }
}
