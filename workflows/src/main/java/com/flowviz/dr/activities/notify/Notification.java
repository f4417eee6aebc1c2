package com.flowviz.dr.activities.notify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * Something stakeholders hear about (runbook section 3 "notify stakeholders", section 6).
 *
 * @param eventId unique per event: channels that deduplicate use it (PagerDuty's dedup_key), and a
 *     retried delivery skips the channels that already had it
 * @param incidentId groups events of one incident (PagerDuty opens one incident for them)
 * @param severity info, warning, error or critical
 * @param action "trigger" for news, "resolve" when the incident is over
 * @param deliveredTo channels an earlier attempt reached, which are skipped (null for none)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Notification(
    String eventId,
    String incidentId,
    String severity,
    String action,
    String summary,
    Map<String, String> details,
    List<String> deliveredTo) {

  public Notification(
      String eventId,
      String incidentId,
      String severity,
      String action,
      String summary,
      Map<String, String> details) {
    this(eventId, incidentId, severity, action, summary, details, null);
  }

  public Notification alsoDeliveredTo(List<String> channels) {
    return new Notification(eventId, incidentId, severity, action, summary, details, channels);
  }
}
