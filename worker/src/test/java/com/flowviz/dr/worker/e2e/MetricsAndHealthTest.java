package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The worker's Prometheus endpoint carries the Temporal SDK's metrics and ours (step durations,
 * restore bytes and transfer time) after a restore; its health endpoint covers Temporal and
 * PostgreSQL.
 */
class MetricsAndHealthTest {

  private final WorkerTestStack stack = WorkerTestStack.get();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aRestoreShowsInTheMetricsAndTheHealthCoversTemporalAndPostgres() throws Exception {
    String live = TestPostgres.newSampleDatabase("flowviz", 200);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Restores.backup(live, bucket);
    RestoreResult result = Restores.restore("restore-metrics", Restores.latest(bucket, live));
    assertEquals(RestoreResult.RESTORED, result.outcome());
    String base = "http://127.0.0.1:" + stack.httpPort();

    // The SDK reports every 10 s.
    String metrics = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline
        && !(metrics.contains("flowviz_step_duration")
            && metrics.contains("flowviz_restore_bytes"))) {
      Thread.sleep(500);
      metrics = get(base + "/prometheus").body();
    }
    assertTrue(
        metrics.contains("flowviz_step_duration_seconds_count{")
            && metrics.contains("step=\"swap-staging-into-live\""),
        "step durations per step: " + metrics);
    assertTrue(metrics.contains("flowviz_restore_bytes_total"), "restore bytes");
    assertTrue(metrics.contains("flowviz_restore_transfer_seconds"), "restore transfer time");
    assertTrue(metrics.contains("temporal_"), "the Temporal SDK's own metrics");

    HttpResponse<String> health = get(base + "/health");
    assertEquals(200, health.statusCode(), health.body());
    JsonNode body = new ObjectMapper().readTree(health.body());
    assertEquals("UP", body.path("status").asText(), health.body());
    assertEquals(
        "UP", body.path("details").path("temporal").path("status").asText(), health.body());
    assertEquals(
        "UP", body.path("details").path("postgresql").path("status").asText(), health.body());
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
