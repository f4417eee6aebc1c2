package com.flowviz.dr.worker.triggers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /triggers/alertmanager}: a Prometheus Alertmanager webhook receiver. Authenticated
 * first (nothing is parsed for a stranger), then read; an incident starts only for a firing alert
 * that maps to a scenario the automation policy allows, once per alert episode.
 */
@Controller("/triggers")
@Requires(property = "flowviz.triggers.enabled", value = "true")
public class AlertmanagerController {

  private static final Logger log = LoggerFactory.getLogger(AlertmanagerController.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RequestAuthenticator authenticator;
  private final AlertmanagerTrigger trigger;
  private final IncidentStarter starter;

  public AlertmanagerController(
      RequestAuthenticator authenticator, AlertmanagerTrigger trigger, IncidentStarter starter) {
    this.authenticator = authenticator;
    this.trigger = trigger;
    this.starter = starter;
  }

  @Post(
      uri = "/alertmanager",
      consumes = {MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN},
      produces = MediaType.APPLICATION_JSON)
  @ExecuteOn(TaskExecutors.BLOCKING)
  public HttpResponse<Map<String, Object>> receive(
      @Header("Authorization") @Nullable String authorization,
      @Header(RequestAuthenticator.TIMESTAMP_HEADER) @Nullable String timestamp,
      @Header(RequestAuthenticator.SIGNATURE_HEADER) @Nullable String signature,
      @Body @Nullable String body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String refusal = authenticator.refusal(authorization, timestamp, signature, bytes);
    if (refusal != null) {
      log.warn("Alertmanager webhook refused: {}", refusal);
      return TriggerResponses.unauthorized(refusal);
    }
    AlertmanagerNotification notification;
    AlertmanagerTrigger.Reading reading;
    try {
      notification = JSON.readValue(bytes, AlertmanagerNotification.class);
      if (notification == null) {
        throw new IllegalArgumentException("the body is empty");
      }
      reading = trigger.read(notification);
    } catch (JsonProcessingException e) {
      return TriggerResponses.badRequest(
          "the body is not an Alertmanager webhook: " + e.getOriginalMessage());
    } catch (IOException | IllegalArgumentException e) {
      return TriggerResponses.badRequest(e.getMessage());
    }
    List<TriggerOutcome> outcomes = new ArrayList<>();
    for (DeclaredIncident incident : reading.incidents()) {
      outcomes.add(starter.declare(incident));
    }
    return TriggerResponses.of(
        outcomes,
        reading.ignored(),
        "status " + notification.status() + " of group " + notification.groupKey());
  }
}
