package com.flowviz.dr.activities.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Drill reports in a real audit database: kept whole, once per drill, read back newest first. */
class DrillActivitiesTest {

  private static DrillReport report(String id, Instant finished, String outcome, Duration rto) {
    return new DrillReport(
        id,
        outcome,
        "quinn",
        finished.minusSeconds(300),
        finished,
        "s3://flowviz-backups/daily/flowviz_daily_20261130_020000.dump.gpg",
        finished.minusSeconds(3600),
        123_456_789L,
        Duration.ofMinutes(60),
        "WITHIN_TARGET",
        rto,
        rto == null ? null : "WITHIN_TARGET",
        Duration.ofMinutes(15),
        Duration.ofHours(1),
        rto != null,
        List.of(),
        "flowviz-drill-1",
        "local",
        true,
        id + "-restore",
        List.of(
            new DrillStep(
                "restore/download-and-decrypt-backup",
                "SUCCEEDED",
                finished.minusSeconds(200),
                finished.minusSeconds(190),
                Duration.ofSeconds(10),
                123_456_789L,
                12_345_678.9,
                "downloaded")),
        rto == null ? "corrupt" : null,
        "dump");
  }

  @Test
  void reportsAreKeptWholeOncePerDrillAndReadNewestFirst() {
    DrillActivitiesImpl drills =
        new DrillActivitiesImpl(
            new AuditStore(TestPostgres.client(), TestPostgres.newDatabaseName("drills")));
    Instant t = Instant.parse("2026-11-28T04:10:00Z");
    DrillReport older = report("drill-a", t, DrillReport.PASSED, Duration.ofSeconds(312));
    DrillReport newer = report("drill-b", t.plus(Duration.ofDays(7)), DrillReport.FAILED, null);

    drills.recordDrillReport(older);
    drills.recordDrillReport(newer);
    drills.recordDrillReport(older); // a retried activity

    List<DrillReport> read = drills.recentDrillReports(10);
    assertEquals(List.of("drill-b", "drill-a"), read.stream().map(DrillReport::drillId).toList());
    assertEquals(
        older, read.get(1), "every field, durations and steps included, survives the store");
    assertNull(read.get(0).rto());
    assertEquals(1, drills.recentDrillReports(1).size());
  }
}
