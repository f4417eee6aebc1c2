package com.flowviz.dr.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.physical.basebackup.ArchivingPostgres;
import com.flowviz.dr.activities.physical.exposure.ArchiveContentsReader;
import com.flowviz.dr.activities.physical.exposure.WalExposureActivitiesImpl;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.storage.BackupStores;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.worker.config.MetricsSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The worker's WAL archive metrics, scraped as Prometheus sees them, from a real archiving cluster
 * read as a pg_monitor role and a moto bucket: an idle archived server has lag 0; a failing
 * archive_command shows as failing, counted failures, waiting segments and a growing lag, and all
 * of it clears when it heals; a slot's gauge comes and goes with the slot; the bucket's view of the
 * newest WAL object and base backup; a stopped server reports check_ok 0 and no lag, not a stale
 * one. These are the series deploy/alerting's rules read.
 */
class WalArchiveMetricsTest {

  @TempDir Path dir;

  @Test
  void theExposureOfARealServerAsPrometheusScrapesIt() throws Exception {
    S3Client s3 = TestMoto.s3();
    String bucket = TestMoto.newBucket(s3, "wal-metrics");
    try (ArchivingPostgres pg = ArchivingPostgres.startArchiving("wal-metrics")) {
      String password = "pw-" + UUID.randomUUID();
      pg.execute(
          "postgres",
          "CREATE ROLE watcher LOGIN PASSWORD '" + password + "'",
          "GRANT pg_monitor TO watcher",
          "CREATE TABLE readings (id bigserial PRIMARY KEY, celsius numeric)");
      String system =
          pg.query("postgres", "SELECT system_identifier::text FROM pg_control_system()").get(0);
      // What an archiver and a base backup of this cluster left in the bucket.
      s3.putObject(
          b ->
              b.bucket(bucket)
                  .key(PhysicalArchiveLayout.walKey(system, "000000010000000000000001")),
          RequestBody.fromString("encrypted segment"));
      s3.putObject(
          b ->
              b.bucket(bucket)
                  .key(
                      PhysicalArchiveLayout.backupPrefix(system, "20261202T010000Z")
                          + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE),
          RequestBody.fromString("{}"));

      PgClient watcher = new PgClient(pg.settings().withCredentials("watcher", password));
      WalExposureActivitiesImpl exposure =
          new WalExposureActivitiesImpl(
              new PgServers(watcher, new LocalSecretStore(dir.resolve("secrets"))),
              new ArchiveContentsReader(
                  BackupStores.single(new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE))));
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      WalArchiveMetrics metrics =
          new WalArchiveMetrics(
              exposure,
              new MetricsSettings(
                  null,
                  Duration.ofSeconds(1),
                  List.of("production"),
                  Duration.ofMillis(200),
                  bucket),
              registry);
      metrics.onStartup(null);
      try {
        pg.query("postgres", "SELECT pg_switch_wal()");
        // Background WAL (a checkpoint) may follow the switch; the test waits for a quiet moment.
        String idle =
            await(
                registry,
                "the switched segment archived and nothing pending",
                s ->
                    !Double.isNaN(value(s, "flowviz_wal_last_archived_timestamp_seconds"))
                        && value(s, "flowviz_wal_archive_pending_bytes") == 0.0);
        assertEquals(1.0, value(idle, "flowviz_wal_archiving"));
        assertEquals(1.0, value(idle, "flowviz_wal_archive_check_ok"));
        assertEquals(0.0, value(idle, "flowviz_wal_archive_lag_seconds"), idle);
        assertEquals(0.0, value(idle, "flowviz_wal_archive_failing"));
        assertTrue(
            Math.abs(
                    value(idle, "flowviz_wal_last_archived_timestamp_seconds")
                        - Instant.now().getEpochSecond())
                < 60);
        String withBucket =
            await(
                registry,
                "the bucket listed",
                s -> !Double.isNaN(value(s, "flowviz_wal_newest_object_age_seconds")));
        assertTrue(value(withBucket, "flowviz_wal_newest_object_age_seconds") < 60);
        assertTrue(value(withBucket, "flowviz_base_backup_newest_age_seconds") < 60);

        pg.execute(
            "postgres",
            "ALTER SYSTEM SET archive_command = 'exit 1'",
            "SELECT pg_reload_conf()",
            "SELECT pg_create_physical_replication_slot('forgotten', true)",
            "INSERT INTO readings (celsius) SELECT random() FROM generate_series(1, 20000)");
        pg.query("postgres", "SELECT pg_walfile_name(pg_switch_wal())");
        String failing =
            await(
                registry,
                "failing",
                s ->
                    value(s, "flowviz_wal_archive_failing") == 1.0
                        && value(s, "flowviz_wal_archive_ready_segments") >= 1.0);
        assertTrue(value(failing, "flowviz_wal_archive_failed_total") >= 1.0, failing);
        assertTrue(value(failing, "flowviz_wal_archive_pending_bytes") >= 16 << 20);
        assertTrue(
            value(failing, "flowviz_wal_slot_retained_bytes", "slot=\"forgotten\"") > 0, failing);
        double lag = value(failing, "flowviz_wal_archive_lag_seconds");
        await(
            registry,
            "the lag growing",
            s -> value(s, "flowviz_wal_archive_lag_seconds") >= lag + 1);

        pg.execute(
            "postgres",
            "ALTER SYSTEM SET archive_command = '"
                + ArchivingPostgres.copyArchiveCommand(pg.archive()).replace("'", "''")
                + "'",
            "SELECT pg_reload_conf()",
            "SELECT pg_drop_replication_slot('forgotten')");
        String healed =
            await(
                registry,
                "healed",
                s ->
                    value(s, "flowviz_wal_archive_failing") == 0.0
                        && value(s, "flowviz_wal_archive_ready_segments") == 0.0
                        && !s.contains("slot=\"forgotten\""));
        assertTrue(value(healed, "flowviz_wal_archive_failed_total") >= 1.0, "a counter stays");

        pg.stop();
        String down =
            await(
                registry,
                "the server seen down",
                s -> value(s, "flowviz_wal_archive_check_ok") == 0.0);
        assertTrue(Double.isNaN(value(down, "flowviz_wal_archive_lag_seconds")), down);
        assertFalse(
            Double.isNaN(value(down, "flowviz_wal_newest_object_age_seconds")),
            "the bucket's view stays while the server is down");
      } finally {
        metrics.onShutdown(null);
      }
    }
  }

  private static String await(PrometheusMeterRegistry registry, String what, Predicate<String> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    String scrape = registry.scrape();
    while (!done.test(scrape)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not " + what + " within 30 s:\n" + scrape);
      }
      Thread.sleep(200);
      scrape = registry.scrape();
    }
    return scrape;
  }

  /**
   * The value of the series {@code name{..., server="production"[, extra]...}}; NaN when absent.
   */
  private static double value(String scrape, String name, String... extra) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
    while (m.find()) {
      String labels = m.group(1);
      boolean match = labels.contains("server=\"production\"");
      for (String e : extra) {
        match &= labels.contains(e);
      }
      if (match) {
        return Double.parseDouble(m.group(2));
      }
    }
    return Double.NaN;
  }
}
