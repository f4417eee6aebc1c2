package com.flowviz.dr.activities.app;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param configured false when no restart command is configured, in which case nothing ran
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RestartOutcome(
    boolean configured, String command, int exitCode, long millis, String outputTail) {}
