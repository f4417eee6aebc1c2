package com.flowviz.dr.worker.config;

import com.flowviz.dr.activities.verify.RunbookProbes;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The FlowViz application around the database.
 *
 * @param restartCommand argument list, e.g. [docker, compose, restart, api]; empty: no restart
 * @param baseUrl the application's API root (e.g. http://localhost:8000): runbook 5.3's three
 *     probes under it are the connectivity test, each judged by what it answers
 * @param healthEndpoints other URLs to probe instead (2xx counts; the runbook's paths are judged);
 *     neither set: no connectivity test, and the step says it was skipped
 * @param envFile where runbook 4.3 writes the new database endpoint for the application
 *     (DB_HOST...)
 * @param composeOverride a compose override file pointing {@code composeService} at the env file
 * @param secretId a Secrets Manager secret the application reads its database from (RDS shape)
 */
@ConfigurationProperties("flowviz.application")
public record ApplicationSettings(
    @Nullable List<String> restartCommand,
    @Nullable String baseUrl,
    @Nullable List<String> healthEndpoints,
    @Bindable(defaultValue = "2m") Duration connectivityDeadline,
    @Bindable(defaultValue = "10m") Duration restartTimeout,
    @Nullable String envFile,
    @Nullable String composeOverride,
    @Bindable(defaultValue = "api") String composeService,
    @Nullable String secretId) {

  /** The connectivity test's URLs: the configured ones, else runbook 5.3's under the base URL. */
  public List<URI> probeEndpoints() {
    if (healthEndpoints != null && !healthEndpoints.isEmpty()) {
      return healthEndpoints.stream().map(URI::create).toList();
    }
    return baseUrl == null || baseUrl.isBlank() ? List.of() : RunbookProbes.under(baseUrl);
  }
}
