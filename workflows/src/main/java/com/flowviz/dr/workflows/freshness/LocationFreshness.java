package com.flowviz.dr.workflows.freshness;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.time.Instant;

/**
 * What the monitor knows of one location.
 *
 * @param level OK (newest backup at most 2 h old), ABOVE_TARGET (up to 24 h), ABOVE_MAXIMUM (older,
 *     or no backup at all)
 * @param breachSince when the current breach began (the first check that saw it); null when OK
 * @param unreadableSince when the location stopped answering; null when it answers
 * @param alerts how many notifications this location has caused, over the monitor's life
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LocationFreshness(
    String location,
    String bucket,
    String prefix,
    String region,
    String newestKey,
    Instant newestTakenAt,
    Duration age,
    String level,
    Instant breachSince,
    Instant unreadableSince,
    Instant checkedAt,
    int alerts) {

  public static final String OK = "OK";
  public static final String ABOVE_TARGET = "ABOVE_TARGET";
  public static final String ABOVE_MAXIMUM = "ABOVE_MAXIMUM";
}
