package com.flowviz.dr.workflows;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** ISO-8601 instants as people type them into a start form. */
public final class InstantInput {
  private InstantInput() {}

  /** Parses "2025-01-19T09:30:00Z" or "2025-01-19T10:30:00+01:00"; null or blank gives null. */
  public static Instant parse(String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value.trim()).toInstant();
    } catch (DateTimeParseException e) {
      throw InputValidation.invalid(
          field
              + " \""
              + InputValidation.printable(value)
              + "\" is not an ISO-8601 instant with a zone; write it like 2025-01-19T09:30:00Z.");
    }
  }
}
