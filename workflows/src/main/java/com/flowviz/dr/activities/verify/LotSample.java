package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/** A row of the runbook's 5.2 traceability query. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LotSample(String lotCode, Instant createdAt, Instant updatedAt) {}
