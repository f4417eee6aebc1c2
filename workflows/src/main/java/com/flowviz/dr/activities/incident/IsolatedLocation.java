package com.flowviz.dr.activities.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where backups are kept out of an attacker's reach (another account, object lock): the only source
 * after a breach.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IsolatedLocation(String bucket, String region, String prefix) {}
