package com.flowviz.dr.workflows.drill;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.drill.DrillReport;
import java.util.List;

/** The newest drills first, and the trend of their RTO. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrillHistory(List<DrillReport> drills, RtoTrend trend) {}
