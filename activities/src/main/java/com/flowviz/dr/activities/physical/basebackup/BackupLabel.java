package com.flowviz.dr.activities.physical.basebackup;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code backup_label} PostgreSQL writes into every base backup: where recovery must start
 * ({@code START WAL LOCATION: 0/2000028 (file 000000010000000000000002)}), on which timeline, and
 * when the backup began, in the server's {@code log_timezone}.
 */
record BackupLabel(
    String startLsn, String startWalFile, int startTimeline, String startTimeText, String label) {

  private static final Pattern START_WAL =
      Pattern.compile("([0-9A-F]+/[0-9A-F]+) \\(file ([0-9A-F]{24})\\)");

  static BackupLabel parse(byte[] content) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 2).trim());
      }
    }
    Matcher start = START_WAL.matcher(required(fields, "START WAL LOCATION"));
    if (!start.matches()) {
      throw new IllegalStateException(
          "backup_label's START WAL LOCATION \""
              + fields.get("START WAL LOCATION")
              + "\" is not \"<LSN> (file <WAL file>)\"");
    }
    return new BackupLabel(
        start.group(1),
        start.group(2),
        Integer.parseInt(required(fields, "START TIMELINE")),
        required(fields, "START TIME"),
        fields.get("LABEL"));
  }

  private static String required(Map<String, String> fields, String name) {
    String value = fields.get(name);
    if (value == null) {
      throw new IllegalStateException("the base backup's backup_label has no " + name + " line");
    }
    return value;
  }
}
