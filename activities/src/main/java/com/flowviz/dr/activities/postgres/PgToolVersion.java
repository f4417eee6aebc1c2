package com.flowviz.dr.activities.postgres;

import com.flowviz.dr.activities.process.ChildProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version a PostgreSQL program reports with --version, e.g. "pg_restore (PostgreSQL) 15.18".
 */
public record PgToolVersion(String program, String version, int major) {

  private static final Pattern VERSION = Pattern.compile("\\)\\s+(\\d+)(\\.\\d+)?");

  public static PgToolVersion of(String programPath) {
    String output =
        ChildProcess.run(List.of(programPath, "--version"), Map.of(), Duration.ofSeconds(30), null)
            .trim();
    Matcher m = VERSION.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException(
          programPath + " --version printed an unexpected \"" + output + "\"");
    }
    return new PgToolVersion(
        programPath,
        m.group(1) + (m.group(2) == null ? "" : m.group(2)),
        Integer.parseInt(m.group(1)));
  }
}
