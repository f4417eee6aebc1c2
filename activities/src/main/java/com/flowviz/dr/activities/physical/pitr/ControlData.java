package com.flowviz.dr.activities.physical.pitr;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.process.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code pg_controldata} says of a data directory: whether recovery has ended ("in
 * production") without a connection, which would need the source's credentials.
 */
record ControlData(String state, int timeline, String minRecoveryEnd) {

  static ControlData read(PgBinaries binaries, Path data) {
    String out =
        ChildProcess.run(
            List.of(binaries.program("pg_controldata"), "-D", data.toString()),
            Map.of("LC_ALL", "C"),
            Duration.ofMinutes(1),
            null);
    return new ControlData(
        field(out, "Database cluster state"),
        Integer.parseInt(field(out, "Latest checkpoint's TimeLineID")),
        field(out, "Minimum recovery ending location"));
  }

  boolean inProduction() {
    return "in production".equals(state);
  }

  private static String field(String out, String name) {
    for (String line : out.split("\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).strip();
      }
    }
    throw new IllegalStateException("pg_controldata printed no \"" + name + "\": " + out);
  }
}
