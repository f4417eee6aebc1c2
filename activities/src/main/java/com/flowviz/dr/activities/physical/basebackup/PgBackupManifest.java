package com.flowviz.dr.activities.physical.basebackup;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.json.Json;
import java.io.IOException;

/**
 * What flowviz-dr reads from PostgreSQL's {@code backup_manifest}: its last WAL range, whose end is
 * where the backup becomes consistent ({@code pg_backup_stop}'s stop LSN) and on which timeline.
 */
record PgBackupManifest(int endTimeline, String startLsn, String endLsn) {

  static PgBackupManifest parse(byte[] content) {
    JsonNode ranges;
    try {
      ranges = Json.MAPPER.readTree(content).path("WAL-Ranges");
    } catch (IOException e) {
      throw new IllegalStateException(
          "the base backup's backup_manifest is not JSON: " + e.getMessage(), e);
    }
    if (!ranges.isArray() || ranges.isEmpty()) {
      throw new IllegalStateException("the base backup's backup_manifest has no WAL-Ranges");
    }
    JsonNode first = ranges.get(0);
    JsonNode last = ranges.get(ranges.size() - 1);
    return new PgBackupManifest(
        last.path("Timeline").asInt(),
        first.path("Start-LSN").asText(),
        last.path("End-LSN").asText());
  }
}
