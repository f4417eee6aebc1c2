package com.flowviz.dr.activities.app;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * @param configured false when no publisher is configured (the operator repoints the application)
 * @param locations where the endpoint was written, e.g. "env file /opt/flowviz/db.env", "Secrets
 *     Manager secret flowviz/app/database"
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PublishOutcome(boolean configured, List<String> locations) {}
