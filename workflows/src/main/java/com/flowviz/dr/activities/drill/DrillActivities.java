package com.flowviz.dr.activities.drill;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** Drill reports, kept in the audit store beside the audit trail. */
@ActivityInterface
public interface DrillActivities {

  /** Stores the report; storing the same drill's report again changes nothing. */
  @ActivityMethod
  void recordDrillReport(DrillReport report);

  /** The newest reports first. */
  @ActivityMethod
  List<DrillReport> recentDrillReports(int limit);
}
