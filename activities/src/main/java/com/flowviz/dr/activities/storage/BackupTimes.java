package com.flowviz.dr.activities.storage;

import com.flowviz.dr.activities.postgres.ClusterGlobals;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** When a backup was taken, read from the runbook's key names (UTC). */
public final class BackupTimes {

  private static final Pattern DAILY =
      Pattern.compile("_(\\d{8})_(\\d{6})\\.dump\\.(gpg|pgp|asc)$");
  private static final Pattern WEEKLY = Pattern.compile("_(\\d{8})\\.dump\\.(gpg|pgp|asc)$");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

  private BackupTimes() {}

  public static Optional<Instant> fromKey(String key) {
    try {
      Matcher daily = DAILY.matcher(key);
      if (daily.find()) {
        return Optional.of(
            LocalDateTime.parse(daily.group(1) + daily.group(2), STAMP).toInstant(ZoneOffset.UTC));
      }
      Matcher weekly = WEEKLY.matcher(key);
      if (weekly.find()) {
        return Optional.of(
            LocalDate.parse(weekly.group(1), DAY).atStartOfDay().toInstant(ZoneOffset.UTC));
      }
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Encrypted backups only: not manifests, detached signatures ({@code .dump.gpg.asc}, {@code
   * .sig}), globals files or other files that share the prefix. Any database's: {@link BackupNames}
   * picks one database's backups by their strict names.
   */
  public static boolean isBackupKey(String key) {
    if (isDetachedSignature(key) || ClusterGlobals.isGlobalsKey(key) || key.contains(".globals.")) {
      return false; // a signature or the roles beside a backup, not a backup
    }
    return key.endsWith(".gpg") || key.endsWith(".pgp") || key.endsWith(".asc");
  }

  /** An ASCII-armored detached signature beside a backup is named {@code <backup key>.asc}. */
  static boolean isDetachedSignature(String key) {
    return key.endsWith(".sig")
        || key.endsWith(".gpg.asc")
        || key.endsWith(".pgp.asc")
        || key.endsWith(".asc.asc");
  }

  public static BackupObject describe(StoredObject object) {
    return describe(object, null);
  }

  public static BackupObject describe(StoredObject object, String region) {
    return new BackupObject(
        object.bucket(),
        object.key(),
        fromKey(object.key()).orElse(object.lastModified()),
        object.lastModified(),
        object.size(),
        object.storageClass(),
        object.etag(),
        region);
  }
}
