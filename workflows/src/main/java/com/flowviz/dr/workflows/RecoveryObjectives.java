package com.flowviz.dr.workflows;

import java.time.Duration;

/** Recovery objectives of the runbook, section 1. */
public final class RecoveryObjectives {
  public static final Duration RTO_TARGET = Duration.ofMinutes(15);
  public static final Duration RTO_MAXIMUM = Duration.ofHours(1);
  public static final Duration RPO_TARGET = Duration.ofHours(2);
  public static final Duration RPO_MAXIMUM = Duration.ofHours(24);

  private RecoveryObjectives() {}
}
