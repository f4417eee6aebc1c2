package com.flowviz.dr.activities.storage;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The backups an operator turns to when one proves unusable: the same database's, under the same
 * prefix, taken before it, newest first. Said in the failure, so nobody has to look them up.
 */
public final class OlderBackups {
  private static final int SHOWN = 3;

  private OlderBackups() {}

  /**
   * A sentence for a failure message; empty when the store cannot be listed (the failure says
   * enough).
   */
  public static String after(BackupStores stores, BackupObject failed) {
    String prefix = BackupNames.prefixOf(failed.key());
    Optional<String> database = BackupNames.database(failed.key());
    List<BackupObject> older;
    try {
      older =
          stores.forRegion(failed.region()).list(failed.bucket(), prefix).stream()
              .filter(
                  o ->
                      database
                          .map(d -> BackupNames.isBackupOf(o.key(), prefix, d))
                          .orElseGet(() -> BackupTimes.isBackupKey(o.key())))
              .map(o -> BackupTimes.describe(o, failed.region()))
              .filter(b -> b.takenAt().isBefore(failed.takenAt()))
              .sorted(
                  Comparator.comparing(BackupObject::takenAt)
                      .thenComparing(BackupObject::key)
                      .reversed())
              .limit(SHOWN)
              .toList();
    } catch (IOException | RuntimeException e) {
      return "";
    }
    String of = database.map(d -> " of " + d).orElse("");
    if (older.isEmpty()) {
      return " There is no older backup"
          + of
          + " under s3://"
          + failed.bucket()
          + "/"
          + prefix
          + "; look in the weekly backups (runbook 4.2).";
    }
    return " The next older backups"
        + of
        + " are: "
        + older.stream()
            .map(b -> b.key() + " (taken " + b.takenAt() + ")")
            .collect(Collectors.joining(", "))
        + "; restore one by its key, or with restorePointBefore "
        + failed.takenAt()
        + ".";
  }
}
