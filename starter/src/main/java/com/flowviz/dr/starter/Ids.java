package com.flowviz.dr.starter;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Workflow ids people can read, and the operator's name. */
final class Ids {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private Ids() {}

  static String stamp(Instant at) {
    return STAMP.format(at);
  }

  static String operator(String given) {
    if (given != null && !given.isBlank()) {
      return given;
    }
    String user = System.getenv("USER");
    return user != null && !user.isBlank() ? user : System.getProperty("user.name");
  }
}
