package com.flowviz.dr.workflows;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** ISO-8601 durations ("PT15M", "P2D") as typed into a start form, within bounds. */
public final class DurationInput {
  private DurationInput() {}

  public static Duration parse(
      String field, String value, Duration fallback, Duration min, Duration max) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    Duration parsed;
    try {
      parsed = Duration.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw InputValidation.invalid(
          field
              + " \""
              + InputValidation.printable(value)
              + "\" is not an ISO-8601 duration; write it like PT15M or P2D.");
    }
    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
      throw InputValidation.invalid(
          field + " " + parsed + " is out of range; use " + min + " to " + max + ".");
    }
    return parsed;
  }
}
