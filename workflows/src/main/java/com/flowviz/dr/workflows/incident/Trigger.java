package com.flowviz.dr.workflows.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What declared an incident when no person did: the alert, as the trigger endpoint received it. It
 * goes into the audit trail, the notifications and the report; it never decides anything.
 *
 * @param source "alertmanager" or "sns"
 * @param alert the alert's name (Alertmanager alertname, CloudWatch alarm name)
 * @param firingSince when the alert began firing (ISO-8601)
 * @param description the alert's summary or reason
 * @param link where to look: Alertmanager generatorURL, the alarm's ARN
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Trigger(
    String source, String alert, String firingSince, String description, String link) {

  public String describe() {
    return source
        + " alert "
        + alert
        + (firingSince == null ? "" : " firing since " + firingSince)
        + (description == null || description.isBlank() ? "" : ": " + description);
  }
}
