package com.flowviz.dr.activities.notify;

import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.workflows.common.Names;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A webhook in one of three shapes: Slack's incoming webhook ({@code {"text": ...}}), PagerDuty
 * Events API v2 (routing key, event action, dedup key, payload), or the notification as plain JSON.
 */
public final class WebhookChannel implements NotificationChannel {

  public enum Format {
    SLACK,
    PAGERDUTY,
    GENERIC
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Format format;
  private final URI url;
  private final String routingKey;

  /**
   * @param routingKey PagerDuty's integration key (read from the secret store by the caller); null
   *     otherwise
   */
  public WebhookChannel(Format format, URI url, String routingKey) {
    this.format = format;
    this.url = url;
    this.routingKey = routingKey;
  }

  @Override
  public String name() {
    // Slack's webhook path is its secret: the name shows the host and a hash of the rest only.
    return "webhook:"
        + format.name().toLowerCase()
        + ":"
        + url.getScheme()
        + "://"
        + url.getHost()
        + (url.getPort() > 0 ? ":" + url.getPort() : "")
        + "#"
        + Names.shortHash(url.toString());
  }

  @Override
  public void send(Notification n) throws IOException {
    String body = Json.MAPPER.writeValueAsString(payload(n));
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json")
            // A redelivery of the same event (ledger unreachable, worker killed after the send)
            // carries
            // the same key: receivers that honour it, and the dedup of whoever reads the inbox, see
            // one event.
            .header("Idempotency-Key", idempotencyKey(n))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response;
    try {
      response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException(name() + " answered HTTP " + response.statusCode());
    }
  }

  /** The event and this channel: one key per delivery that must happen once. */
  static String idempotencyKey(Notification n) {
    return "flowviz-dr-" + n.eventId();
  }

  Map<String, Object> payload(Notification n) {
    return switch (format) {
      case SLACK ->
          Map.of(
              "text",
              icon(n.severity())
                  + " *FlowViz DR*: "
                  + n.summary()
                  + (n.details() == null || n.details().isEmpty()
                      ? ""
                      : "\n"
                          + String.join(
                              "\n",
                              n.details().entrySet().stream()
                                  .map(e -> "• " + e.getKey() + ": " + e.getValue())
                                  .toList())));
      case PAGERDUTY -> pagerDuty(n);
      case GENERIC -> {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("eventId", n.eventId());
        body.put("incidentId", n.incidentId());
        body.put("severity", n.severity());
        body.put("action", n.action());
        body.put("summary", n.summary());
        body.put("details", n.details());
        yield body;
      }
    };
  }

  private Map<String, Object> pagerDuty(Notification n) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("routing_key", routingKey);
    event.put("event_action", "resolve".equals(n.action()) ? "resolve" : "trigger");
    // One PagerDuty incident per FlowViz incident: the dedup key is the incident, not the event.
    event.put("dedup_key", n.incidentId() != null ? n.incidentId() : n.eventId());
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put(
        "summary", n.summary().length() > 1024 ? n.summary().substring(0, 1024) : n.summary());
    payload.put("source", "flowviz-dr");
    payload.put(
        "severity",
        List.of("critical", "error", "warning", "info").contains(n.severity())
            ? n.severity()
            : "error");
    payload.put("timestamp", Instant.now().toString());
    payload.put("custom_details", n.details());
    event.put("payload", payload);
    return event;
  }

  private static String icon(String severity) {
    return switch (severity == null ? "" : severity) {
      case "critical", "error" -> ":rotating_light:";
      case "warning" -> ":warning:";
      default -> ":information_source:";
    };
  }
}
