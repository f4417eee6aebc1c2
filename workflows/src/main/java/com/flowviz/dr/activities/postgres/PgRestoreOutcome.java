package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What pg_restore did: how many parallel jobs, how long, and the tail of its verbose output. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PgRestoreOutcome(String database, int jobs, long millis, String pgRestoreVersion, int objectsRestored) {}
