package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * The worker's own metrics beyond what workflows and activities record.
 *
 * @param backupLocations where to watch the newest backup's age, each "bucket/prefix" or
 *     "bucket/prefix@region"; default the runbook's daily and weekly prefixes and the DR bucket
 * @param backupCheckInterval how often the newest backup is looked up (the age itself grows
 *     continuously between lookups); also how often the WAL archive's bucket is listed
 * @param archivingServers the servers whose WAL archiving is watched (server names, as procedures
 *     take them); default the production server. One that does not archive reports {@code
 *     flowviz_wal_archiving 0} and nothing else alarming
 * @param walCheckInterval how often each archiving server's archiver state is read (one query batch
 *     as a pg_monitor role)
 * @param walBucket the bucket of the physical archive; default the runbook's backup bucket
 */
@ConfigurationProperties("flowviz.metrics")
public record MetricsSettings(
    @Nullable List<String> backupLocations,
    @Bindable(defaultValue = "5m") Duration backupCheckInterval,
    @Bindable(defaultValue = "production") List<String> archivingServers,
    @Bindable(defaultValue = "15s") Duration walCheckInterval,
    @Nullable String walBucket) {}
