package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param version e.g. "15.18"
 * @param major e.g. 15
 * @param waitedMillis how long the server took to accept connections
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ServerInfo(String version, int major, long waitedMillis) {}
