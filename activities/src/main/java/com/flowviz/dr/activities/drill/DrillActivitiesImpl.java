package com.flowviz.dr.activities.drill;

import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Drill reports in the audit database: a table of their own, one row per drill, its report as JSON.
 */
public class DrillActivitiesImpl implements DrillActivities {

  private final AuditStore store;

  public DrillActivitiesImpl(AuditStore store) {
    this.store = store;
  }

  @Override
  public void recordDrillReport(DrillReport report) {
    try {
      store.saveDrillReport(
          report.drillId(),
          report.finishedAt(),
          report.outcome(),
          report.rto() == null ? null : report.rto().toMillis() / 1000.0,
          new String(Json.write(report), StandardCharsets.UTF_8));
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot store the drill report in " + store.database() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<DrillReport> recentDrillReports(int limit) {
    try {
      List<DrillReport> reports = new ArrayList<>();
      for (String json : store.recentDrillReports(limit)) {
        reports.add(Json.read(json.getBytes(StandardCharsets.UTF_8), DrillReport.class));
      }
      return reports;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot read the drill reports in " + store.database() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
