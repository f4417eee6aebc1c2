package com.flowviz.dr.workflows.backup;

import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.common.Names;
import java.time.Instant;

/** The runbook's key layout for backups. */
public final class BackupKeys {
  private BackupKeys() {}

  /** {@code daily/<db>_daily_YYYYMMDD_HHMMSS.dump.gpg}, in UTC. */
  public static String daily(String database, Instant takenAt) {
    return Defaults.DAILY_PREFIX + database + "_daily_" + Names.timestamp(takenAt) + ".dump.gpg";
  }

  /**
   * {@code weekly/<db>_weekly_YYYYMMDD.dump.gpg}, in UTC: one a day at most, a rerun overwrites it.
   */
  public static String weekly(String database, Instant takenAt) {
    return Defaults.WEEKLY_PREFIX
        + database
        + "_weekly_"
        + Names.timestamp(takenAt).substring(0, 8)
        + ".dump.gpg";
  }
}
