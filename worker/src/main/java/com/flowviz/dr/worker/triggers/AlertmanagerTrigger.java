package com.flowviz.dr.worker.triggers;

import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.incident.Scenario;
import com.flowviz.dr.workflows.incident.Trigger;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads an Alertmanager notification into the incidents it declares: its firing alerts, each mapped
 * to a runbook scenario (the {@code flowviz_scenario} label, or the alert name through {@code
 * flowviz.triggers.alert-scenarios}) and a database (the {@code database} label, default flowviz).
 * Alerts of one scenario and database in one group are one incident.
 */
@Singleton
public class AlertmanagerTrigger {

  static final String SCENARIO_LABEL = "flowviz_scenario";
  static final String DATABASE_LABEL = "database";
  private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final AutomationPolicy policy;

  public AlertmanagerTrigger(AutomationPolicy policy) {
    this.policy = policy;
  }

  /** The incidents declared, and why the other alerts declare nothing. */
  public record Reading(List<DeclaredIncident> incidents, List<String> ignored) {}

  /**
   * @throws IllegalArgumentException what is malformed, for a 400
   */
  public Reading read(AlertmanagerNotification n) {
    if (n.groupKey() == null || n.groupKey().isBlank()) {
      throw new IllegalArgumentException(
          "groupKey is missing: is this an Alertmanager webhook (payload version 4)?");
    }
    if (n.alerts() == null || n.alerts().isEmpty()) {
      throw new IllegalArgumentException("alerts is missing or empty");
    }
    List<String> ignored = new ArrayList<>();
    Map<String, List<AlertmanagerNotification.Alert>> byIncident = new LinkedHashMap<>();
    Map<String, Scenario> scenarios = new LinkedHashMap<>();
    for (AlertmanagerNotification.Alert alert : n.alerts()) {
      String name = alert.label("alertname");
      if (!"firing".equals(alert.status())) {
        ignored.add(name + ": " + alert.status() + ", not firing");
        continue;
      }
      Optional<Scenario> scenario;
      try {
        scenario = policy.scenarioOf(name, alert.label(SCENARIO_LABEL));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "alert " + name + ": label " + SCENARIO_LABEL + ": " + e.getMessage());
      }
      if (scenario.isEmpty()) {
        ignored.add(
            name
                + ": maps to no runbook scenario (give it a "
                + SCENARIO_LABEL
                + " label such as 2.1, or list it in flowviz.triggers.alert-scenarios)");
        continue;
      }
      String database =
          alert.label(DATABASE_LABEL) == null ? Defaults.DATABASE : alert.label(DATABASE_LABEL);
      if (!DATABASE.matcher(database).matches()) {
        throw new IllegalArgumentException(
            "alert "
                + name
                + ": label "
                + DATABASE_LABEL
                + " \""
                + InputValidation.printable(database)
                + "\" is not a PostgreSQL database name (a-z, 0-9, _)");
      }
      if (startsAt(alert).isAfter(Instant.now().plusSeconds(300))) {
        throw new IllegalArgumentException(
            "alert "
                + name
                + " starts at "
                + alert.startsAt()
                + ", in the future: check the clocks of Prometheus and this worker");
      }
      String key = scenario.get().name() + "|" + database;
      byIncident.computeIfAbsent(key, k -> new ArrayList<>()).add(alert);
      scenarios.put(key, scenario.get());
    }
    List<DeclaredIncident> incidents = new ArrayList<>();
    for (Map.Entry<String, List<AlertmanagerNotification.Alert>> e : byIncident.entrySet()) {
      List<AlertmanagerNotification.Alert> alerts = e.getValue();
      AlertmanagerNotification.Alert first =
          alerts.stream().min(Comparator.comparing(AlertmanagerTrigger::startsAt)).orElseThrow();
      Instant since = startsAt(first);
      String database = e.getKey().substring(e.getKey().indexOf('|') + 1);
      String summary =
          first.annotation("summary") != null
              ? first.annotation("summary")
              : first.annotation("description");
      String names =
          String.join(", ", alerts.stream().map(a -> a.label("alertname")).distinct().toList());
      Trigger trigger =
          new Trigger("alertmanager", names, since.toString(), summary, first.generatorURL());
      incidents.add(
          new DeclaredIncident(
              scenarios.get(e.getKey()),
              database,
              n.groupKey() + "|" + e.getKey() + "|" + since,
              since,
              "declared by Alertmanager (receiver "
                  + n.receiver()
                  + "): "
                  + names
                  + (summary == null ? "" : ": " + summary),
              trigger));
    }
    return new Reading(incidents, ignored);
  }

  private static Instant startsAt(AlertmanagerNotification.Alert alert) {
    if (alert.startsAt() == null) {
      throw new IllegalArgumentException("alert " + alert.label("alertname") + " has no startsAt");
    }
    try {
      return OffsetDateTime.parse(alert.startsAt()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "alert "
              + alert.label("alertname")
              + ": startsAt \""
              + InputValidation.printable(alert.startsAt())
              + "\" is not an RFC 3339 time");
    }
  }
}
