package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The small JSON object stored beside each backup ({@code <key>.manifest.json}). Row counts are
 * taken in the same snapshot as the dump, so a verified restore matches them exactly.
 *
 * @param sha256 hex SHA-256 of the encrypted object as stored
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupManifest(
    int formatVersion,
    String key,
    Instant takenAt,
    String sourceDatabase,
    String pgDumpVersion,
    String serverVersion,
    long dumpBytes,
    long encryptedBytes,
    String sha256,
    String recipientKeyFingerprint,
    List<TableStats> tables) {

  public static final int FORMAT_VERSION = 1;
  public static final String SUFFIX = ".manifest.json";

  public static String keyFor(String backupKey) {
    return backupKey + SUFFIX;
  }

  public Optional<TableStats> table(String name) {
    return tables == null
        ? Optional.empty()
        : tables.stream().filter(t -> t.table().equals(name)).findFirst();
  }
}
