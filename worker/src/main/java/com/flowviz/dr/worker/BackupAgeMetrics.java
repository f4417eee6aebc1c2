package com.flowviz.dr.worker;

import com.flowviz.dr.activities.common.DaemonScheduler;
import com.flowviz.dr.activities.storage.BackupStorageActivitiesImpl;
import com.flowviz.dr.activities.storage.BucketFreshness;
import com.flowviz.dr.worker.config.MetricsSettings;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.RecoveryObjectives;
import com.flowviz.dr.workflows.freshness.BackupLocation;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.temporal.failure.ApplicationFailure;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RPO exposure on the Prometheus endpoint: the age of the newest backup per bucket and prefix
 * ({@code flowviz_backup_newest_age_seconds}), whether the last lookup succeeded, and the runbook's
 * RPO target and maximum to compare with. An alert on age &gt; target fires before the next
 * incident finds only an old backup.
 */
@Singleton
public class BackupAgeMetrics {

  private static final Logger log = LoggerFactory.getLogger(BackupAgeMetrics.class);

  /** One watched location and what its last lookup found. */
  static final class Watched {
    final String bucket;
    final String prefix;
    final String region;
    volatile Instant newest;
    volatile boolean reachable;

    Watched(String bucket, String prefix, String region) {
      this.bucket = bucket;
      this.prefix = prefix;
      this.region = region;
    }
  }

  private final BackupStorageActivitiesImpl storage;
  private final MetricsSettings settings;
  private final MeterRegistry registry;
  private final Clock clock = Clock.systemUTC();
  private final List<Watched> watched = new ArrayList<>();
  private ScheduledExecutorService scheduler;

  public BackupAgeMetrics(
      BackupStorageActivitiesImpl storage, MetricsSettings settings, MeterRegistry registry) {
    this.storage = storage;
    this.settings = settings;
    this.registry = registry;
  }

  static List<Watched> parse(List<String> locations) {
    List<String> given =
        locations == null || locations.isEmpty()
            ? List.of(
                Defaults.BUCKET + "/" + Defaults.DAILY_PREFIX,
                Defaults.BUCKET + "/" + Defaults.WEEKLY_PREFIX,
                Defaults.DR_BUCKET + "/" + Defaults.DAILY_PREFIX + "@us-west-2")
            : locations;
    List<Watched> result = new ArrayList<>();
    for (String location : given) {
      try {
        BackupLocation l = BackupLocation.parse(location);
        result.add(new Watched(l.bucket(), l.prefix(), l.region()));
      } catch (ApplicationFailure e) {
        throw new IllegalArgumentException(
            "flowviz.metrics.backup-locations: " + e.getOriginalMessage(), e);
      }
    }
    return result;
  }

  @EventListener
  synchronized void onStartup(StartupEvent event) {
    if (scheduler != null) {
      return;
    }
    watched.addAll(parse(settings.backupLocations()));
    Gauge.builder("flowviz.backup.rpo.target", () -> RecoveryObjectives.RPO_TARGET.toSeconds())
        .baseUnit("seconds")
        .description("The runbook's RPO target")
        .register(registry);
    Gauge.builder("flowviz.backup.rpo.maximum", () -> RecoveryObjectives.RPO_MAXIMUM.toSeconds())
        .baseUnit("seconds")
        .description("The runbook's maximum acceptable RPO")
        .register(registry);
    for (Watched w : watched) {
      Gauge.builder("flowviz.backup.newest.age", w, this::ageSeconds)
          .baseUnit("seconds")
          .description("Age of the newest backup under the prefix (NaN until one is found)")
          .tags("bucket", w.bucket, "prefix", w.prefix)
          .register(registry);
      Gauge.builder("flowviz.backup.check.ok", w, x -> x.reachable ? 1 : 0)
          .description("1 when the last lookup of the newest backup succeeded")
          .tags("bucket", w.bucket, "prefix", w.prefix)
          .register(registry);
    }
    scheduler = DaemonScheduler.named("backup-age-metrics");
    // Off the startup path: a slow bucket must not delay polling for work.
    scheduler.scheduleWithFixedDelay(
        this::refresh, 0, settings.backupCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private double ageSeconds(Watched w) {
    Instant newest = w.newest;
    return newest == null
        ? Double.NaN
        : Math.max(0, clock.instant().getEpochSecond() - newest.getEpochSecond());
  }

  void refresh() {
    for (Watched w : watched) {
      try {
        BucketFreshness f = storage.newestBackup(w.bucket, w.region, w.prefix);
        w.reachable = f.reachable();
        if (f.reachable()) {
          w.newest = f.newest() == null ? null : f.newest().takenAt();
        } else {
          log.warn("Newest backup in s3://{}/{} not known: {}", w.bucket, w.prefix, f.problem());
        }
      } catch (RuntimeException e) {
        w.reachable = false;
        log.warn("Newest backup in s3://{}/{} not known: {}", w.bucket, w.prefix, e.getMessage());
      }
    }
  }

  @EventListener
  synchronized void onShutdown(ShutdownEvent event) {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
