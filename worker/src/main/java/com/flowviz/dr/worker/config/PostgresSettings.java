package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;

/**
 * The target PostgreSQL server. Connection settings follow libpq (PGHOST, PGPORT, PGUSER,
 * PGPASSWORD, PGPASSFILE); the properties here override the host, port, user and pgpass file where
 * set. A password is never a property.
 */
@ConfigurationProperties("flowviz.pg")
public record PostgresSettings(
    @Nullable String host,
    @Nullable Integer port,
    @Nullable String user,
    @Nullable String passfile,
    @Nullable String binDir,
    @Bindable(defaultValue = "2") int restoreJobs,
    @Bindable(defaultValue = "uuid-ossp") List<String> extensions,
    @Bindable(defaultValue = "flowviz_dr_audit") String auditDatabase) {}
