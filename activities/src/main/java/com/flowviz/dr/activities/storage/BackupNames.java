package com.flowviz.dr.activities.storage;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runbook's backup names, matched strictly: {@code <prefix><db>_daily_YYYYMMDD_HHMMSS.dump.gpg}
 * and {@code <prefix><db>_weekly_YYYYMMDD.dump.gpg} ({@code .pgp} and ASCII-armored {@code .asc}
 * too). Nothing else under a prefix is a backup: not a detached signature ({@code .dump.gpg.asc},
 * {@code .sig}), a manifest, a globals file, or another database's backup.
 */
public final class BackupNames {

  // The database part is the shortest that leaves a well-formed tail, so "my_db_daily_..." is
  // my_db.
  private static final Pattern NAME =
      Pattern.compile(
          "^(?<db>[^/]+?)_(?:daily_\\d{8}_\\d{6}|weekly_\\d{8})\\.dump\\.(?:gpg|pgp|asc)$");

  private BackupNames() {}

  /** The database a backup key is named for, or empty when the key is not a backup's name. */
  public static Optional<String> database(String key) {
    Matcher m = NAME.matcher(key.substring(key.lastIndexOf('/') + 1));
    return m.matches() ? Optional.of(m.group("db")) : Optional.empty();
  }

  /** Whether {@code key} is a backup of exactly {@code database}, directly under {@code prefix}. */
  public static boolean isBackupOf(String key, String prefix, String database) {
    String p = prefix == null ? "" : prefix;
    if (!key.startsWith(p) || key.indexOf('/', p.length()) >= 0) {
      return false;
    }
    return database(key).map(database::equals).orElse(false);
  }

  /**
   * The directory part of a key, with its slash ("daily/"), or "" for a key at the bucket's root.
   */
  public static String prefixOf(String key) {
    return key.substring(0, key.lastIndexOf('/') + 1);
  }
}
