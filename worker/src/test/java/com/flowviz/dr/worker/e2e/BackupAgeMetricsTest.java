package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestMoto;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * RPO exposure on the Prometheus endpoint: the age of the newest backup per watched bucket and
 * prefix, read from moto_server, next to the runbook's RPO target and maximum.
 */
class BackupAgeMetricsTest {

  private static final DateTimeFormatter KEY_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  @Test
  void theNewestBackupsAgeIsExposedPerBucketAndAnUnreadableBucketSaysSo() throws Exception {
    var s3 = TestMoto.s3();
    String bucket = TestMoto.newBucket(s3, "flowviz-backups");
    String empty = TestMoto.newBucket(s3, "flowviz-backups-dr");
    Instant newest = Instant.now().minus(Duration.ofHours(3));
    for (Instant taken : List.of(newest, newest.minus(Duration.ofHours(24)))) {
      s3.putObject(
          b -> b.bucket(bucket).key("daily/flowviz_daily_" + KEY_TIME.format(taken) + ".dump.gpg"),
          RequestBody.fromString("x"));
    }
    s3.putObject(
        b -> b.bucket(bucket).key("daily/notes.txt"), RequestBody.fromString("not a backup"));
    WorkerTestStack stack =
        WorkerTestStack.withSettings(
            Map.of(
                "flowviz.worker.host-name", "metrics-host",
                "flowviz.metrics.backup-locations",
                    List.of(
                        bucket + "/daily/",
                        empty + "/daily/",
                        "flowviz-no-such-bucket-" + System.nanoTime() + "/daily/"),
                "flowviz.metrics.backup-check-interval", "1s"));
    String url = "http://127.0.0.1:" + stack.httpPort() + "/prometheus";

    String metrics = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline
        && !metrics.contains("flowviz_backup_check_ok{bucket=\"" + bucket)) {
      Thread.sleep(300);
      metrics = get(url);
    }
    while (System.nanoTime() < deadline
        && Double.isNaN(value(metrics, "flowviz_backup_newest_age_seconds", bucket))) {
      Thread.sleep(300);
      metrics = get(url);
    }

    double age = value(metrics, "flowviz_backup_newest_age_seconds", bucket);
    assertTrue(
        age >= Duration.ofHours(3).toSeconds() - 5 && age <= Duration.ofHours(3).toSeconds() + 120,
        "the newest of the two backups, three hours old: " + age + "\n" + metrics);
    assertEquals(1.0, value(metrics, "flowviz_backup_check_ok", bucket));
    assertTrue(
        Double.isNaN(value(metrics, "flowviz_backup_newest_age_seconds", empty)),
        "no backup yet: no age");
    assertEquals(
        1.0, value(metrics, "flowviz_backup_check_ok", empty), "an empty bucket is readable");
    assertEquals(
        0.0,
        value(metrics, "flowviz_backup_check_ok", "flowviz-no-such-bucket"),
        "a missing bucket is not");
    assertTrue(metrics.contains("flowviz_backup_rpo_target_seconds 7200.0"), metrics);
    assertTrue(metrics.contains("flowviz_backup_rpo_maximum_seconds 86400.0"), metrics);
  }

  private static double value(String metrics, String name, String bucketPrefix) {
    Matcher m =
        Pattern.compile(
                "(?m)^"
                    + name
                    + "\\{bucket=\""
                    + Pattern.quote(bucketPrefix)
                    + "[^\"]*\",prefix=\"daily/\",?\\} (\\S+)$")
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
