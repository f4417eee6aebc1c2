package com.flowviz.dr.activities.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A report as stored: both forms. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredReport(ReportLocation location, String markdown, IncidentReport report) {}
