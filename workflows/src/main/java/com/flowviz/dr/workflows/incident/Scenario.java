package com.flowviz.dr.workflows.incident;

import com.flowviz.dr.workflows.InputValidation;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The disaster scenarios of runbook section 2, and the procedure each one calls for. */
public enum Scenario {
  DATABASE_CORRUPTION(
      "2.1",
      "database-corruption",
      "4.1 restore from the daily backup taken before the corruption"),
  INSTANCE_FAILURE("2.2", "instance-failure", "4.3 restore to a new instance"),
  ACCIDENTAL_DELETION(
      "2.3",
      "accidental-deletion",
      "restore into staging, measure the data gap, then a surgical undelete or the 4.1 swap"),
  SECURITY_BREACH(
      "2.4",
      "security-breach",
      "restore from the isolated backup location, rotate all credentials"),
  REGIONAL_OUTAGE("2.5", "regional-outage", "4.4 cross-region failover");

  private final String section;
  private final String id;
  private final String procedure;

  Scenario(String section, String id, String procedure) {
    this.section = section;
    this.id = id;
    this.procedure = procedure;
  }

  public String section() {
    return section;
  }

  public String id() {
    return id;
  }

  public String procedure() {
    return procedure;
  }

  public String describe() {
    return section + " " + id;
  }

  /** Accepts "2.3", "accidental-deletion", "ACCIDENTAL_DELETION", and "ransomware" for 2.4. */
  public static Scenario parse(String value) {
    if (value == null || value.isBlank()) {
      throw InputValidation.invalid("scenario is required: one of " + choices() + ".");
    }
    String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    if (v.equals("ransomware") || v.equals("breach")) {
      return SECURITY_BREACH;
    }
    for (Scenario s : values()) {
      if (s.section.equals(v) || s.id.equals(v)) {
        return s;
      }
    }
    throw InputValidation.invalid(
        "scenario \""
            + InputValidation.printable(value)
            + "\" is not one of the runbook's scenarios: "
            + choices()
            + ".");
  }

  private static String choices() {
    return Arrays.stream(values())
            .map(s -> s.section + " " + s.id)
            .collect(Collectors.joining(", "))
        + " (or \"ransomware\" for 2.4)";
  }
}
