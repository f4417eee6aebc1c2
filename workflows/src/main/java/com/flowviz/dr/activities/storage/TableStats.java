package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * Row count, newest created_at and columns of one table, as the backup saw it.
 *
 * @param columns the table's column names in table order; null in manifests written before they
 *     were recorded, so a restore can be checked column by column only against newer backups
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TableStats(String table, long rows, Instant newestCreatedAt, List<String> columns) {

  public TableStats(String table, long rows, Instant newestCreatedAt) {
    this(table, rows, newestCreatedAt, null);
  }

  public boolean hasColumn(String column) {
    return columns != null && columns.contains(column);
  }
}
