package com.flowviz.dr.workflows.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Names derived deterministically from a workflow id and time, so that a retried activity or a
 * replayed workflow finds what an earlier attempt created instead of creating a second one.
 */
public final class Names {
  private static final int MAX_IDENTIFIER = 63;
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  public static final String STAGING_INFIX = "_staging_";
  public static final String REPLACED_INFIX = "_replaced_";

  private Names() {}

  /** {@code <target>_staging_<8 hex of the workflow id>}. */
  public static String stagingDatabase(String targetDatabase, String workflowId) {
    String suffix = STAGING_INFIX + shortHash(workflowId);
    return truncate(targetDatabase, MAX_IDENTIFIER - suffix.length()) + suffix;
  }

  /** {@code <target>_replaced_<YYYYMMDD_HHMMSS>}: where the database a restore replaced is kept. */
  public static String replacedDatabase(String targetDatabase, Instant at) {
    String suffix = REPLACED_INFIX + STAMP.format(at);
    return truncate(targetDatabase, MAX_IDENTIFIER - suffix.length()) + suffix;
  }

  public static String timestamp(Instant at) {
    return STAMP.format(at);
  }

  /** FNV-1a, 32 bits, as 8 hex digits: stable across JVMs and replays. */
  public static String shortHash(String value) {
    int hash = 0x811c9dc5;
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      hash ^= (b & 0xff);
      hash *= 0x01000193;
    }
    return String.format("%08x", hash);
  }

  private static String truncate(String value, int max) {
    return value.length() <= max ? value : value.substring(0, max);
  }
}
