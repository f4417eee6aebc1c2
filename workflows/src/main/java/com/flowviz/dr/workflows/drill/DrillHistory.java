package com.flowviz.dr.workflows.drill;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.drill.DrillReport;
import java.util.List;

/**
 * The newest drills first, and the trend of their RTO: the dump path's ({@code trend}) and the
 * point-in-time path's ({@code pitrTrend}), each fitted to its own drills, side by side.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrillHistory(List<DrillReport> drills, RtoTrend trend, RtoTrend pitrTrend) {}
