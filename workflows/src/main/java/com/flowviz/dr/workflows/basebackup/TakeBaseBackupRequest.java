package com.flowviz.dr.workflows.basebackup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Input of the base backup workflow; every field may be left out.
 *
 * <pre>{@code {"server": "production", "operator": "base-backup-schedule"}}</pre>
 *
 * @param server the registered server to back up: {@code production} (default), {@code
 *     instance:<name>} or {@code stack:<workspace>}; a self-managed PostgreSQL with {@code
 *     archive_mode} on (managed RDS/Aurora has no {@code pg_basebackup})
 * @param bucket default {@code flowviz-backups}: under {@code base/<system id>/<backup id>/}
 * @param keepBaseBackups the newest complete base backups the expiry keeps, default 7 (1 to 400)
 * @param keepFor base backups younger than this are kept too, with the WAL from the oldest kept one
 *     on; ISO-8601, default {@code P8D}: any instant of the last 7 days stays restorable
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record TakeBaseBackupRequest(
    String server,
    String bucket,
    String operator,
    String reason,
    Integer keepBaseBackups,
    String keepFor) {
  /** A builder that names every field; unset fields are null (the defaults apply). */
  public static TakeBaseBackupRequestBuilder builder() {
    return TakeBaseBackupRequestBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public TakeBaseBackupRequestBuilder toBuilder() {
    return TakeBaseBackupRequestBuilder.builder(this);
  }
}
