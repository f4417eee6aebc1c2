package com.flowviz.dr.worker.triggers;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /triggers/sns}: the HTTPS subscription of an SNS topic that CloudWatch alarms publish
 * to. SNS signs every message; nothing else is needed or accepted as proof.
 */
@Controller("/triggers")
@Requires(property = "flowviz.triggers.enabled", value = "true")
public class SnsController {

  private static final Logger log = LoggerFactory.getLogger(SnsController.class);

  private final SnsTrigger sns;
  private final IncidentStarter starter;

  public SnsController(SnsTrigger sns, IncidentStarter starter) {
    this.sns = sns;
    this.starter = starter;
  }

  @Post(
      uri = "/sns",
      consumes = {MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON},
      produces = MediaType.APPLICATION_JSON)
  @ExecuteOn(TaskExecutors.BLOCKING)
  public HttpResponse<Map<String, Object>> receive(@Body @Nullable String body) {
    SnsTrigger.Reading reading;
    try {
      reading = sns.read(body);
    } catch (SnsTrigger.Refusal e) {
      log.warn("SNS message refused ({}): {}", e.status, e.getMessage());
      return HttpResponse.<Map<String, Object>>status(HttpStatus.valueOf(e.status))
          .body(Map.of("error", e.getMessage()));
    }
    if (reading instanceof SnsTrigger.Confirmed c) {
      log.info("Confirmed the SNS subscription to {}", c.topicArn());
      return HttpResponse.ok(Map.of("subscribed", c.topicArn()));
    }
    if (reading instanceof SnsTrigger.Declare d) {
      return TriggerResponses.of(
          List.of(starter.declare(d.incident())),
          List.of(),
          "CloudWatch alarm " + d.incident().trigger().alert());
    }
    return HttpResponse.ok(Map.of("ignored", List.of(((SnsTrigger.Ignored) reading).why())));
  }
}
