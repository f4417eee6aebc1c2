package com.flowviz.dr.workflows.drill;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.drill.DrillReport;
import com.flowviz.dr.workflows.RecoveryObjectives;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Where the restore time is heading: a least-squares line through the passed drills' RTOs over
 * time, and when it crosses the runbook's target (15 min) and maximum (1 h) at that growth. A
 * restore that slows a few seconds a week shows here months before an incident finds it.
 *
 * @param drills how many passed drills the line is fitted to
 * @param latest the newest drill's RTO
 * @param fitted the line's value now
 * @param growthPerWeek the line's slope; null with fewer than {@link #MINIMUM_DRILLS} drills
 * @param targetCrossedAt when the line reaches the target; null when it never does at this growth,
 *     {@code now} when it is already above
 * @param statement the same, for a person
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RtoTrend(
    int drills,
    Duration latest,
    Duration fitted,
    Duration growthPerWeek,
    Instant targetCrossedAt,
    Instant maximumCrossedAt,
    String statement) {

  public static final int MINIMUM_DRILLS = 3;
  private static final double SECONDS_PER_DAY = 86_400.0;

  public static RtoTrend of(List<DrillReport> reports, Instant now) {
    List<DrillReport> passed =
        reports.stream()
            .filter(
                r ->
                    DrillReport.PASSED.equals(r.outcome())
                        && r.rto() != null
                        && r.finishedAt() != null)
            .sorted(Comparator.comparing(DrillReport::finishedAt))
            .toList();
    if (passed.isEmpty()) {
      return new RtoTrend(
          0, null, null, null, null, null, "No passed drill yet: the RTO has never been measured.");
    }
    Duration latest = passed.get(passed.size() - 1).rto();
    if (passed.size() < MINIMUM_DRILLS) {
      return new RtoTrend(
          passed.size(),
          latest,
          null,
          null,
          null,
          null,
          "Latest RTO "
              + describe(latest)
              + "; "
              + passed.size()
              + " passed drill(s), "
              + MINIMUM_DRILLS
              + " are needed to see a trend.");
    }
    Instant origin = passed.get(0).finishedAt();
    double n = passed.size();
    double sumX = 0;
    double sumY = 0;
    for (DrillReport r : passed) {
      sumX += days(origin, r.finishedAt());
      sumY += r.rto().toMillis() / 1000.0;
    }
    double meanX = sumX / n;
    double meanY = sumY / n;
    double sxy = 0;
    double sxx = 0;
    for (DrillReport r : passed) {
      double dx = days(origin, r.finishedAt()) - meanX;
      sxy += dx * (r.rto().toMillis() / 1000.0 - meanY);
      sxx += dx * dx;
    }
    if (sxx == 0) {
      return new RtoTrend(
          passed.size(),
          latest,
          null,
          null,
          null,
          null,
          "Latest RTO " + describe(latest) + "; the drills ran too close together to see a trend.");
    }
    double slopePerDay = sxy / sxx;
    double intercept = meanY - slopePerDay * meanX;
    double nowX = days(origin, now);
    double fittedNow = intercept + slopePerDay * nowX;
    Duration fitted = seconds(Math.max(0, fittedNow));
    Duration growth = seconds(slopePerDay * 7);
    Instant target =
        crossing(origin, intercept, slopePerDay, nowX, RecoveryObjectives.RTO_TARGET, now);
    Instant maximum =
        crossing(origin, intercept, slopePerDay, nowX, RecoveryObjectives.RTO_MAXIMUM, now);
    String statement =
        "Over the last "
            + passed.size()
            + " passed drills the RTO "
            + (slopePerDay > 0 ? "grew by " : "changed by ")
            + String.format("%.1f s", slopePerDay * 7)
            + " a week (latest "
            + describe(latest)
            + ", trend now "
            + describe(fitted)
            + "); "
            + (target == null
                ? "at this rate it does not reach the "
                    + describe(RecoveryObjectives.RTO_TARGET)
                    + " target"
                : !target.isAfter(now)
                    ? "it is already above the "
                        + describe(RecoveryObjectives.RTO_TARGET)
                        + " target"
                    : "at this rate it crosses the "
                        + describe(RecoveryObjectives.RTO_TARGET)
                        + " target around "
                        + target.toString().substring(0, 10))
            + (maximum == null
                ? ""
                : !maximum.isAfter(now)
                    ? " and is above the 1 h maximum"
                    : " and the "
                        + describe(RecoveryObjectives.RTO_MAXIMUM)
                        + " maximum around "
                        + maximum.toString().substring(0, 10))
            + ".";
    return new RtoTrend(passed.size(), latest, fitted, growth, target, maximum, statement);
  }

  /**
   * When intercept + slope x reaches the objective; now if it already has; null if it never will.
   */
  private static Instant crossing(
      Instant origin,
      double intercept,
      double slopePerDay,
      double nowX,
      Duration objective,
      Instant now) {
    double limit = objective.toSeconds();
    if (intercept + slopePerDay * nowX >= limit) {
      return now;
    }
    if (slopePerDay <= 0) {
      return null;
    }
    double x = (limit - intercept) / slopePerDay;
    return origin.plusMillis((long) (x * SECONDS_PER_DAY * 1000));
  }

  private static double days(Instant origin, Instant at) {
    return (at.toEpochMilli() - origin.toEpochMilli()) / 1000.0 / SECONDS_PER_DAY;
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }

  static String describe(Duration d) {
    long s = d.getSeconds();
    if (s >= 3600) {
      return (s / 3600) + " h" + (s % 3600 / 60 == 0 ? "" : " " + (s % 3600 / 60) + " min");
    }
    return s >= 60
        ? (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s")
        : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
