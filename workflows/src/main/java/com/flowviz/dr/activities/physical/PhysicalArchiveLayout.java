package com.flowviz.dr.activities.physical;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where base backups and WAL live in the backup bucket. Everything sits under the cluster's system
 * identifier: a new cluster ({@code initdb}, or a restored one that is given a new identity) starts
 * its own timeline 1, and its segment names must never land on the old cluster's objects.
 *
 * <pre>
 * base/&lt;system id&gt;/&lt;backup id&gt;/base.tar.zst.gpg        pg_basebackup -Ft, zstd, encrypted (+ .sig)
 *                                        (base.tar.gpg: zlib inside OpenPGP, {@link BaseBackupCompression})
 * base/&lt;system id&gt;/&lt;backup id&gt;/backup_manifest         PostgreSQL's manifest (+ .sig)
 * base/&lt;system id&gt;/&lt;backup id&gt;/flowviz-manifest.json   written last: the backup is complete (+ .sig)
 * wal/&lt;system id&gt;/&lt;timeline&gt;/&lt;WAL file name&gt;.gpg     segments, .partial, .history and .backup files
 * </pre>
 *
 * A base backup without its {@code flowviz-manifest.json} is incomplete (a killed attempt) and is
 * never chosen.
 */
public final class PhysicalArchiveLayout {

  public static final String BASE_PREFIX = "base/";
  public static final String WAL_PREFIX = "wal/";

  /** The data file of a base backup taken with the default compression. */
  public static final String DATA_FILE = BaseBackupCompression.ZSTD.dataFile();

  public static final String PG_MANIFEST_FILE = "backup_manifest";
  public static final String FLOWVIZ_MANIFEST_FILE = "flowviz-manifest.json";
  public static final String WAL_SUFFIX = ".gpg";

  /** A WAL segment: 8 hex digits of timeline, then 16 of log and segment number. */
  private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})[0-9A-F]{16}");

  /** A timeline history file. */
  private static final Pattern HISTORY = Pattern.compile("([0-9A-F]{8})\\.history");

  /** A backup history file written by pg_backup_stop: segment, start offset, {@code .backup}. */
  private static final Pattern BACKUP_HISTORY =
      Pattern.compile("([0-9A-F]{8})[0-9A-F]{16}\\.[0-9A-F]{8}\\.backup");

  /**
   * The old timeline's last, unfinished segment, archived by a standby at its promotion (archive
   * mode on). Refusing it would stop all archiving: PostgreSQL retries one file until it succeeds.
   */
  private static final Pattern PARTIAL = Pattern.compile("([0-9A-F]{8})[0-9A-F]{16}\\.partial");

  private PhysicalArchiveLayout() {}

  /** {@code base/<system id>/}: every base backup of the cluster. */
  public static String basePrefix(String systemIdentifier) {
    return BASE_PREFIX + requireSystemIdentifier(systemIdentifier) + "/";
  }

  /** {@code base/<system id>/<backup id>/}. */
  public static String backupPrefix(String systemIdentifier, String backupId) {
    return basePrefix(systemIdentifier) + backupId + "/";
  }

  /** {@code wal/<system id>/}: every WAL file of the cluster, all timelines. */
  public static String walPrefix(String systemIdentifier) {
    return WAL_PREFIX + requireSystemIdentifier(systemIdentifier) + "/";
  }

  /**
   * The object key of a WAL file as PostgreSQL names it ({@code %f}).
   *
   * @throws IllegalArgumentException when the name is not a segment, partial segment, history or
   *     backup history file: an archive command handed anything else is misconfigured
   */
  public static String walKey(String systemIdentifier, String walFileName) {
    String timeline =
        timelineOf(walFileName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "\""
                            + walFileName
                            + "\" is not a WAL segment, partial segment, history or backup file"));
    return walPrefix(systemIdentifier) + timeline + "/" + walFileName + WAL_SUFFIX;
  }

  /** The timeline (8 hex digits) a WAL file name belongs to, or empty for any other name. */
  public static Optional<String> timelineOf(String walFileName) {
    for (Pattern p : new Pattern[] {SEGMENT, PARTIAL, HISTORY, BACKUP_HISTORY}) {
      Matcher m = p.matcher(walFileName);
      if (m.matches()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /** True for a WAL segment's name (not a partial, history or backup file). */
  public static boolean isSegment(String walFileName) {
    return SEGMENT.matcher(walFileName).matches();
  }

  /** True for a file that starts with a WAL page header: a segment or a partial segment. */
  public static boolean holdsWalPages(String walFileName) {
    return isSegment(walFileName) || PARTIAL.matcher(walFileName).matches();
  }

  private static String requireSystemIdentifier(String systemIdentifier) {
    if (systemIdentifier == null || !systemIdentifier.matches("[0-9]{1,20}")) {
      throw new IllegalArgumentException(
          "\"" + systemIdentifier + "\" is not a PostgreSQL system identifier");
    }
    return systemIdentifier;
  }
}
