package com.flowviz.dr.worker.triggers;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The body of an Alertmanager webhook (payload version 4): one notification for a group of alerts.
 * Only what a declaration needs is read; unknown fields are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AlertmanagerNotification(
    String version,
    String groupKey,
    String status,
    String receiver,
    Map<String, String> groupLabels,
    Map<String, String> commonLabels,
    Map<String, String> commonAnnotations,
    String externalURL,
    List<Alert> alerts) {

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Alert(
      String status,
      Map<String, String> labels,
      Map<String, String> annotations,
      String startsAt,
      String endsAt,
      String generatorURL,
      String fingerprint) {

    public String label(String name) {
      return labels == null ? null : labels.get(name);
    }

    public String annotation(String name) {
      return annotations == null ? null : annotations.get(name);
    }
  }
}
