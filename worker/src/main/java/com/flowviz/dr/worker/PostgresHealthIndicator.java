package com.flowviz.dr.worker;

import com.flowviz.dr.activities.postgres.PgClient;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

/** The database server the procedures restore into (and the audit trail lives on) answers. */
@Singleton
public class PostgresHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

  private final PgClient pg;

  public PostgresHealthIndicator(PgClient pg) {
    this.pg = pg;
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    try (Connection c = pg.connectMaintenance(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      healthStatus = HealthStatus.UP;
      return Map.of("server", pg.settings().toString(), "version", rs.getString(1));
    } catch (Exception e) {
      healthStatus = HealthStatus.DOWN;
      // The message names host and port, never the password.
      return Map.of("server", pg.settings().toString(), "error", String.valueOf(e.getMessage()));
    }
  }

  @Override
  protected String getName() {
    return "postgresql";
  }
}
