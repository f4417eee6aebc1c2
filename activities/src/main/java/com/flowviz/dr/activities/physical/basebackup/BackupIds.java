package com.flowviz.dr.activities.physical.basebackup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** A base backup's id: the UTC second its attempt started, {@code yyyyMMdd'T'HHmmss'Z'}. */
final class BackupIds {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private BackupIds() {}

  static String of(Instant startedAt) {
    return FORMAT.format(startedAt.truncatedTo(ChronoUnit.SECONDS));
  }
}
