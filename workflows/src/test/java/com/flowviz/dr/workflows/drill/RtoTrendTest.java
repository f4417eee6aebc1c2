package com.flowviz.dr.workflows.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.drill.DrillReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtoTrendTest {

  private static final Instant FIRST = Instant.parse("2026-06-06T04:00:00Z");

  private static DrillReport drill(int week, long rtoSeconds, String outcome) {
    Instant at = FIRST.plus(Duration.ofDays(7L * week));
    return new DrillReport(
        "drill-" + week,
        outcome,
        "x",
        at.minusSeconds(rtoSeconds),
        at,
        "s3://b/k",
        at,
        1L,
        Duration.ZERO,
        "WITHIN_TARGET",
        outcome.equals(DrillReport.PASSED) ? Duration.ofSeconds(rtoSeconds) : null,
        "WITHIN_TARGET",
        Duration.ofMinutes(15),
        Duration.ofHours(1),
        true,
        List.of(),
        "s",
        "local",
        true,
        "r",
        List.of(),
        null,
        "dump");
  }

  @Test
  void aRestoreThatSlowsTwelveSecondsAWeekCrossesTheTargetWhenTheLineSays() {
    List<DrillReport> reports = new ArrayList<>();
    for (int week = 0; week < 6; week++) {
      reports.add(
          0,
          drill(week, 600 + 12L * week, DrillReport.PASSED)); // newest first, as the store answers
    }
    reports.add(0, drill(6, 5000, DrillReport.FAILED)); // failed drills measure nothing
    Instant now = FIRST.plus(Duration.ofDays(7 * 5));

    RtoTrend trend = RtoTrend.of(reports, now);

    assertEquals(6, trend.drills());
    assertEquals(12.0, trend.growthPerWeek().toMillis() / 1000.0, 0.01);
    assertEquals(Duration.ofSeconds(660), trend.latest());
    // 900 s is reached 300 s / 12 s per week = 25 weeks after the first drill.
    assertEquals(
        FIRST.plus(Duration.ofDays(7 * 25)).toEpochMilli(),
        trend.targetCrossedAt().toEpochMilli(),
        60_000);
    assertEquals(
        FIRST.plus(Duration.ofDays(7 * 250)).toEpochMilli(),
        trend.maximumCrossedAt().toEpochMilli(),
        60_000);
    assertTrue(
        trend.statement().contains("grew by 12.0 s a week")
            && trend.statement().contains("crosses the 15 min target around 2026-11-28"),
        trend.statement());
  }

  @Test
  void aSteadyOrShrinkingRestoreTimeNeverCrosses() {
    List<DrillReport> reports =
        List.of(
            drill(3, 500, DrillReport.PASSED),
            drill(2, 510, DrillReport.PASSED),
            drill(1, 530, DrillReport.PASSED));

    RtoTrend trend = RtoTrend.of(reports, FIRST.plus(Duration.ofDays(30)));

    assertTrue(trend.growthPerWeek().isNegative());
    assertNull(trend.targetCrossedAt());
    assertNull(trend.maximumCrossedAt());
    assertTrue(trend.statement().contains("does not reach"), trend.statement());
  }

  @Test
  void aRestoreAlreadyAboveTheTargetSaysSo() {
    Instant now = FIRST.plus(Duration.ofDays(21));
    RtoTrend trend =
        RtoTrend.of(
            List.of(
                drill(3, 1000, DrillReport.PASSED),
                drill(2, 980, DrillReport.PASSED),
                drill(1, 960, DrillReport.PASSED)),
            now);

    assertEquals(now, trend.targetCrossedAt());
    assertTrue(trend.statement().contains("already above"), trend.statement());
  }

  @Test
  void twoDrillsAreTooFewForATrend() {
    RtoTrend trend =
        RtoTrend.of(
            List.of(drill(1, 600, DrillReport.PASSED), drill(0, 590, DrillReport.PASSED)),
            FIRST.plus(Duration.ofDays(7)));

    assertNull(trend.growthPerWeek());
    assertEquals(Duration.ofSeconds(600), trend.latest());
    assertTrue(trend.statement().contains("3 are needed"), trend.statement());
  }
}
