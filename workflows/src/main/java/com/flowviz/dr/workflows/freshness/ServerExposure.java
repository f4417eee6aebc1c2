package com.flowviz.dr.workflows.freshness;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.time.Instant;

/**
 * What the monitor knows of one archiving server's WAL exposure: how much data an incident now
 * would lose, as the server sees it (its archive lag) or, while it cannot be read, as the bucket
 * bounds it (the newest archived WAL object's age).
 *
 * @param systemIdentifier the cluster's, last read from the server; names its archive prefix
 * @param protection CONTINUOUS (archiving), DAILY_DUMP (not archiving: its RPO is the daily
 *     dump's), IN_RECOVERY (a standby: nothing of its own to archive), or null before the first
 *     look
 * @param source SERVER or BUCKET: which view measured {@code exposure}
 * @param exposure the data at risk; null when not measured
 * @param level OK, ABOVE_TARGET or ABOVE_MAXIMUM, as {@link LocationFreshness#level()}
 * @param failing the server's last archiving attempt failed
 * @param breachSince when the current breach began; null when OK
 * @param unknownSince when neither view could measure the exposure; null when one could
 * @param alerts how many notifications this server has caused, over the monitor's life
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ServerExposure(
    String server,
    String systemIdentifier,
    Integer timeline,
    String protection,
    String source,
    Duration exposure,
    String level,
    boolean failing,
    Instant breachSince,
    Instant unknownSince,
    Instant checkedAt,
    int alerts) {

  public static final String CONTINUOUS = "CONTINUOUS";
  public static final String DAILY_DUMP = "DAILY_DUMP";
  public static final String IN_RECOVERY = "IN_RECOVERY";
  public static final String SERVER = "SERVER";
  public static final String BUCKET = "BUCKET";

  /** Nothing known yet: taken as within the target, so a breach found at the first look is news. */
  static ServerExposure unchecked(String server) {
    return builder().server(server).level(LocationFreshness.OK).build();
  }

  public static ServerExposureBuilder builder() {
    return ServerExposureBuilder.builder();
  }

  public ServerExposureBuilder toBuilder() {
    return ServerExposureBuilder.builder(this);
  }
}
