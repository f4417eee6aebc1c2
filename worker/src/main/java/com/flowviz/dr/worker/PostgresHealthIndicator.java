package com.flowviz.dr.worker;

import com.flowviz.dr.activities.postgres.PgClient;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the database server the procedures restore into answers: reported, never gating. That
 * server being down is what scenario 2.2 recovers from, so the worker must stay ready (and its
 * trigger endpoint in the Service) while it is: the indicator is UP with {@code reachable: false}
 * and the error in its details.
 */
@Singleton
public class PostgresHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

  private final PgClient pg;

  public PostgresHealthIndicator(PgClient pg) {
    this.pg = pg;
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    healthStatus = HealthStatus.UP;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("server", pg.settings().toString());
    details.put("gating", false);
    try (Connection c = pg.connectMaintenance();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      details.put("reachable", true);
      details.put("version", rs.getString(1));
    } catch (Exception e) {
      details.put("reachable", false);
      // The message names host and port, never the password.
      details.put("error", String.valueOf(e.getMessage()));
    }
    return details;
  }

  @Override
  protected String getName() {
    return "postgresql";
  }
}
