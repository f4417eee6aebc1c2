package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Where the audit trail is kept. The database is {@code flowviz.pg.audit-database}; on its own
 * server when {@code host} is set (recommended: the trail must outlive the server a recovery is
 * about), else on the target server of {@code flowviz.pg}. Unset fields take flowviz.pg's values. A
 * password is never a property: the pgpass file, or AUDIT_PGPASSWORD.
 *
 * @param bucket the compliance bucket that keeps an append-only copy of every entry (conditional
 *     puts), so a recovery goes on while the audit database is down and the entries are forwarded
 *     later; unset means no copy, and every entry waits for the audit database
 * @param region null for flowviz.storage.region
 */
@ConfigurationProperties("flowviz.audit")
public record AuditSettings(
    @Nullable String host,
    @Nullable Integer port,
    @Nullable String user,
    @Nullable String passfile,
    @Nullable String bucket,
    @Nullable String region,
    @Bindable(defaultValue = "audit-trail/") String prefix) {}
