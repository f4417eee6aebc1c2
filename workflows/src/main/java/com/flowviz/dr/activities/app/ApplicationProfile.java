package com.flowviz.dr.activities.app;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The FlowViz application as the worker is configured to see it, so a procedure can tell whether a
 * restore is of the application's own database (restart and probe it) or of a side copy (leave the
 * application alone).
 *
 * @param database the database the application reads (flowviz.incident.application-database)
 * @param restartCommand the restart command as shown to an operator; empty when none is configured
 * @param endpoints the URLs runbook 5.3's connectivity test probes; empty when none is configured
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApplicationProfile(String database, String restartCommand, List<String> endpoints) {

  public boolean serves(String restoredDatabase) {
    return database != null && database.equals(restoredDatabase);
  }
}
