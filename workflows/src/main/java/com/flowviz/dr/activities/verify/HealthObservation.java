package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/** One probe of the public health URL: what was seen. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HealthObservation(Instant at, int status, long millis, String detail) {}
