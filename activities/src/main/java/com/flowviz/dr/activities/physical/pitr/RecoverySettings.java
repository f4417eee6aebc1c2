package com.flowviz.dr.activities.physical.pitr;

import com.flowviz.dr.activities.physical.RecoveryTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What a restored data directory needs before its first start, appended to its {@code
 * postgresql.auto.conf} (the last setting wins over the source's): where it listens, no archiving
 * (it has the source's system identifier and would push into its WAL prefix), {@code
 * restore_command} copying from the spool, the target and promotion at the target. A data directory
 * from a server whose configuration files live elsewhere (Debian's /etc/postgresql) gets an empty
 * {@code postgresql.conf} and a loopback-only {@code pg_hba.conf}.
 */
final class RecoverySettings {

  /** recovery_target_time's format: microseconds, UTC. */
  static final DateTimeFormatter TARGET_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);

  /**
   * restore_command's exit code for a spool file that exists but cannot be copied: > 125 is fatal
   * to recovery, where 1 would mean "not archived" and end recovery early, silently.
   */
  static final int COPY_FAILED = 200;

  private RecoverySettings() {}

  static void write(Path home, Path data, Path spool, RecoveryTarget target) throws IOException {
    if (!Files.exists(data.resolve("postgresql.conf"))) {
      Files.writeString(
          data.resolve("postgresql.conf"),
          "# flowviz-dr: the source kept its configuration outside the data directory\n");
    }
    if (!Files.exists(data.resolve("pg_hba.conf"))) {
      Files.writeString(
          data.resolve("pg_hba.conf"),
          "local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n");
    }
    List<String> lines = new ArrayList<>();
    lines.add("# flowviz-dr: point-in-time recovery to " + target.describe());
    lines.add("listen_addresses = '127.0.0.1'");
    lines.add("unix_socket_directories = '" + home + "'");
    lines.add("archive_mode = off");
    lines.add("restore_command = '" + restoreCommand(spool) + "'");
    lines.add("recovery_target_timeline = 'latest'");
    switch (target.kind()) {
      case RecoveryTarget.TIME ->
          lines.add("recovery_target_time = '" + TARGET_TIME.format(target.time()) + "'");
      case RecoveryTarget.LSN -> lines.add("recovery_target_lsn = '" + target.lsn() + "'");
      default -> {
        // latest: no target, recovery replays the whole spool and promotes at its end
      }
    }
    if (!RecoveryTarget.LATEST.equals(target.kind())) {
      lines.add("recovery_target_inclusive = " + (target.inclusive() ? "on" : "off"));
      lines.add("recovery_target_action = 'promote'");
    }
    Files.writeString(
        data.resolve("postgresql.auto.conf"),
        String.join("\n", lines) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    Files.deleteIfExists(data.resolve("standby.signal"));
    Files.writeString(data.resolve("recovery.signal"), "");
  }

  /**
   * A file not in the spool is "not archived" (exit 1: recovery ends there, or PostgreSQL looks for
   * the next timeline); one that is there but cannot be copied stops recovery.
   */
  static String restoreCommand(Path spool) {
    return "[ -f \""
        + spool
        + "/%f\" ] || exit 1; cp \""
        + spool
        + "/%f\" \"%p\" || exit "
        + COPY_FAILED;
  }
}
