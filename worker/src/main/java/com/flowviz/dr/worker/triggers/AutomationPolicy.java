package com.flowviz.dr.worker.triggers;

import com.flowviz.dr.worker.config.TriggerSettings;
import com.flowviz.dr.workflows.incident.Approvals;
import com.flowviz.dr.workflows.incident.Scenario;
import io.temporal.failure.ApplicationFailure;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What automation may do without a person. The default, "stage-then-approve": an alert may declare
 * any scenario, and everything runs at once up to the first irreversible step (the restore into
 * staging and its verification, a new instance, the DR stack); replacing the live database,
 * repointing the application and switching DNS wait for a person.
 */
@Singleton
public class AutomationPolicy {

  private final String name;
  private final Set<Scenario> allowed;
  private final Map<String, Scenario> byAlertName = new LinkedHashMap<>();
  private final Approvals approvals;
  private final Duration decisionTimeout;
  private final String operator;
  private final String bucket;

  public AutomationPolicy(TriggerSettings settings) {
    this.name = settings.policy();
    this.operator = settings.operator();
    this.bucket = settings.bucket();
    this.decisionTimeout = settings.decisionTimeout();
    this.allowed =
        settings.allowedScenarios() == null || settings.allowedScenarios().isEmpty()
            ? EnumSet.allOf(Scenario.class)
            : EnumSet.copyOf(
                settings.allowedScenarios().stream().map(AutomationPolicy::scenario).toList());
    for (String mapping :
        settings.alertScenarios() == null ? List.<String>of() : settings.alertScenarios()) {
      int eq = mapping.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "flowviz.triggers.alert-scenarios entry \""
                + mapping
                + "\" is not AlertName=scenario.");
      }
      byAlertName.put(mapping.substring(0, eq).trim(), scenario(mapping.substring(eq + 1)));
    }
    this.approvals =
        new Approvals(
            mode("swap", settings.swap()),
            mode("repoint", settings.repoint()),
            mode("dns-switch", settings.dnsSwitch()),
            name);
  }

  /** The scenario an alert declares: its flowviz_scenario label, else the mapping of its name. */
  public Optional<Scenario> scenarioOf(String alertName, String scenarioLabel) {
    if (scenarioLabel != null && !scenarioLabel.isBlank()) {
      return Optional.of(scenario(scenarioLabel));
    }
    return Optional.ofNullable(alertName == null ? null : byAlertName.get(alertName));
  }

  public boolean allows(Scenario scenario) {
    return allowed.contains(scenario);
  }

  public String name() {
    return name;
  }

  public Approvals approvals() {
    return approvals;
  }

  public Duration decisionTimeout() {
    return decisionTimeout;
  }

  /** Where automated incidents find the daily backups; null for the runbook's bucket. */
  public String bucket() {
    return bucket;
  }

  public String operator() {
    return operator;
  }

  public String describe() {
    return "policy "
        + name
        + ": automation may declare "
        + allowed.stream().map(Scenario::describe).toList()
        + "; swap "
        + approvals.swap()
        + ", repoint "
        + approvals.repoint()
        + ", DNS switch "
        + approvals.dnsSwitch()
        + "; a held step waits "
        + decisionTimeout
        + " for a person";
  }

  private static Scenario scenario(String value) {
    try {
      return Scenario.parse(value);
    } catch (ApplicationFailure e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  private static String mode(String key, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    if (!v.equals(Approvals.REQUIRED) && !v.equals(Approvals.AUTOMATIC)) {
      throw new IllegalArgumentException(
          "flowviz.triggers." + key + " is \"" + value + "\"; use required or automatic.");
    }
    return v;
  }
}
