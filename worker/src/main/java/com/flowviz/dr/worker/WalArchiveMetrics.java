package com.flowviz.dr.worker;

import com.flowviz.dr.activities.common.DaemonScheduler;
import com.flowviz.dr.activities.physical.ArchiveContents;
import com.flowviz.dr.activities.physical.ArchiveLocation;
import com.flowviz.dr.activities.physical.ArchiverStatus;
import com.flowviz.dr.activities.physical.WalExposureActivities;
import com.flowviz.dr.worker.config.MetricsSettings;
import com.flowviz.dr.workflows.Defaults;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RPO exposure of continuous WAL archiving on the Prometheus endpoint, per archiving server:
 * {@code flowviz_wal_archive_lag_seconds} (0 when nothing is unarchived), the WAL waiting ({@code
 * _pending_bytes}, {@code _ready_segments}), the last archived segment's time, {@code
 * pg_stat_archiver}'s failures and whether the last attempt failed, each replication slot's
 * retained WAL, and the bucket's view (the newest WAL object's and complete base backup's age),
 * which stays true while the server cannot be read. deploy/alerting's rules alert on these, so an
 * alert means WAL is not reaching the archive, not that a daily dump is a day old.
 */
@Singleton
public class WalArchiveMetrics {

  private static final Logger log = LoggerFactory.getLogger(WalArchiveMetrics.class);

  /** One watched server and what its last reads found. */
  static final class Watched {
    final String server;
    volatile ArchiverStatus status;
    volatile boolean readOk;
    volatile String lastProblem;
    volatile String systemIdentifier;
    volatile ArchiveContents contents;
    final Map<String, Meter> slotGauges = new ConcurrentHashMap<>();

    Watched(String server) {
      this.server = server;
    }
  }

  private final WalExposureActivities exposure;
  private final MetricsSettings settings;
  private final MeterRegistry registry;
  private final Clock clock = Clock.systemUTC();
  private final List<Watched> watched = new ArrayList<>();
  private ScheduledExecutorService scheduler;

  public WalArchiveMetrics(
      WalExposureActivities exposure, MetricsSettings settings, MeterRegistry registry) {
    this.exposure = exposure;
    this.settings = settings;
    this.registry = registry;
  }

  @EventListener
  synchronized void onStartup(StartupEvent event) {
    if (scheduler != null || settings.archivingServers() == null) {
      return;
    }
    for (String server : settings.archivingServers()) {
      if (!server.isBlank()) {
        register(new Watched(server.strip()));
      }
    }
    if (watched.isEmpty()) {
      return;
    }
    scheduler = DaemonScheduler.named("wal-archive-metrics");
    // Off the startup path, as the backup ages: a server that hangs must not delay the worker.
    scheduler.scheduleWithFixedDelay(
        this::readServers, 0, settings.walCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        this::readBucket, 0, settings.backupCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void register(Watched w) {
    watched.add(w);
    gauge(
        "flowviz.wal.archiving",
        null,
        "1 when archive_mode is on with a command",
        w,
        s -> s.archiving() ? 1 : 0);
    gauge(
        "flowviz.wal.archive.lag",
        "seconds",
        "Age of the oldest WAL not yet archived (0 when nothing is unarchived)",
        w,
        s -> s.lagSeconds() == null ? Double.NaN : s.lagSeconds());
    gauge(
        "flowviz.wal.archive.pending",
        "bytes",
        "WAL written and not yet archived",
        w,
        s -> s.pendingBytes() == null ? Double.NaN : s.pendingBytes());
    gauge(
        "flowviz.wal.archive.ready.segments",
        null,
        "Segments waiting for archive_command",
        w,
        s -> s.readySegments() == null ? Double.NaN : s.readySegments());
    gauge(
        "flowviz.wal.last.archived.timestamp",
        "seconds",
        "When pg_stat_archiver last archived a file (Unix time)",
        w,
        s -> s.lastArchivedAt() == null ? Double.NaN : s.lastArchivedAt().getEpochSecond());
    gauge(
        "flowviz.wal.archive.failing",
        null,
        "1 when the last archiving attempt failed",
        w,
        s -> s.failing() ? 1 : 0);
    gauge(
        "flowviz.wal.archive.timeout",
        "seconds",
        "archive_timeout: the lag's bound under light writes",
        w,
        s -> s.archiveTimeoutSeconds() == null ? Double.NaN : s.archiveTimeoutSeconds());
    FunctionCounter.builder(
            "flowviz.wal.archive.failed",
            w,
            x -> x.status == null || !x.status.reachable() ? 0 : x.status.failedCount())
        .description("pg_stat_archiver.failed_count (resets with the server's statistics)")
        .tags("server", w.server)
        .register(registry);
    Gauge.builder("flowviz.wal.archive.check.ok", w, x -> x.readOk ? 1 : 0)
        .description("1 when the server's archiver state was read at the last poll")
        .tags("server", w.server)
        .register(registry);
    String bucket = bucket();
    Gauge.builder("flowviz.wal.newest.object.age", w, x -> age(x, ArchiveContents::newestWalAt))
        .baseUnit("seconds")
        .description("Age of the newest WAL object of the server's cluster in the bucket")
        .tags("server", w.server, "bucket", bucket)
        .register(registry);
    Gauge.builder(
            "flowviz.base.backup.newest.age", w, x -> age(x, ArchiveContents::newestBaseBackupAt))
        .baseUnit("seconds")
        .description("Age of the newest complete base backup of the server's cluster")
        .tags("server", w.server, "bucket", bucket)
        .register(registry);
  }

  private void gauge(
      String name,
      String unit,
      String description,
      Watched w,
      ToDoubleFunction<ArchiverStatus> value) {
    Gauge.Builder<Watched> b =
        Gauge.builder(
                name,
                w,
                x -> {
                  ArchiverStatus s = x.status;
                  // NaN while unread: a rule then neither fires nor clears on a guess.
                  return s == null || !s.reachable() ? Double.NaN : value.applyAsDouble(s);
                })
            .description(description)
            .tags("server", w.server);
    if (unit != null) {
      b.baseUnit(unit);
    }
    b.register(registry);
  }

  private String bucket() {
    return settings.walBucket() == null || settings.walBucket().isBlank()
        ? Defaults.BUCKET
        : settings.walBucket();
  }

  private double age(Watched w, java.util.function.Function<ArchiveContents, Instant> at) {
    ArchiveContents c = w.contents;
    Instant time = c == null || !c.reachable() ? null : at.apply(c);
    return time == null
        ? Double.NaN
        : Math.max(0, clock.instant().getEpochSecond() - time.getEpochSecond());
  }

  void readServers() {
    for (Watched w : watched) {
      try {
        ArchiverStatus status = exposure.archiverStatus(w.server);
        w.status = status;
        w.readOk = status.reachable();
        if (status.reachable()) {
          w.systemIdentifier = status.systemIdentifier();
          updateSlots(w, status);
        }
        problem(w, status.reachable() ? null : status.problem());
      } catch (RuntimeException e) {
        w.readOk = false;
        w.status = null;
        problem(w, e.getMessage());
      }
    }
  }

  /** Logged when it changes, not every poll. */
  private static void problem(Watched w, String problem) {
    if (!Objects.equals(problem, w.lastProblem)) {
      if (problem == null) {
        log.info("WAL archiver state of {} readable again", w.server);
      } else {
        log.warn("WAL archiver state of {} not known: {}", w.server, problem);
      }
      w.lastProblem = problem;
    }
  }

  private void updateSlots(Watched w, ArchiverStatus status) {
    List<String> present = new ArrayList<>();
    for (ArchiverStatus.SlotRetention slot : status.slots()) {
      present.add(slot.name());
      w.slotGauges.computeIfAbsent(
          slot.name(),
          name ->
              Gauge.builder("flowviz.wal.slot.retained", w, x -> retained(x, name))
                  .baseUnit("bytes")
                  .description("WAL a replication slot keeps on the server's disk")
                  .tags("server", w.server, "slot", name)
                  .register(registry));
    }
    // A dropped slot's gauge goes too, or its last value would alarm forever.
    w.slotGauges
        .keySet()
        .removeIf(
            name -> {
              if (present.contains(name)) {
                return false;
              }
              registry.remove(w.slotGauges.get(name));
              return true;
            });
  }

  private static double retained(Watched w, String slot) {
    ArchiverStatus s = w.status;
    if (s == null || !s.reachable()) {
      return Double.NaN;
    }
    return s.slots().stream()
        .filter(x -> x.name().equals(slot) && x.retainedBytes() != null)
        .mapToDouble(ArchiverStatus.SlotRetention::retainedBytes)
        .findFirst()
        .orElse(Double.NaN);
  }

  void readBucket() {
    for (Watched w : watched) {
      String system = w.systemIdentifier;
      if (system == null) {
        continue; // the server was never read: which cluster's archive is unknown
      }
      try {
        w.contents =
            exposure.archiveContents(
                ArchiveLocation.builder().bucket(bucket()).systemIdentifier(system).build());
      } catch (RuntimeException e) {
        log.warn("WAL archive of {} in s3://{} not listed: {}", w.server, bucket(), e.getMessage());
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
