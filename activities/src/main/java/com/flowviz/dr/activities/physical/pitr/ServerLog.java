package com.flowviz.dr.activities.physical.pitr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The restored instance's server log, read for PostgreSQL's own account of its recovery. */
final class ServerLog {

  private static final Pattern STOP = Pattern.compile("(recovery stopping (before|after) .*)");
  private static final Pattern LAST =
      Pattern.compile("last completed transaction was at log time (.*)");
  private static final Pattern TIMELINE = Pattern.compile("selected new timeline ID: (\\d+)");
  private static final Pattern FATAL = Pattern.compile("(?:FATAL|PANIC):\\s+(.*)");

  private final Path path;

  ServerLog(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  Optional<String> recoveryStop() {
    return last(STOP);
  }

  Optional<String> lastCompletedTransaction() {
    return last(LAST);
  }

  Optional<Integer> newTimeline() {
    return last(TIMELINE).map(Integer::parseInt);
  }

  Optional<String> lastFatal() {
    return last(FATAL);
  }

  private Optional<String> last(Pattern pattern) {
    String found = null;
    for (String line : lines()) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        found = m.group(1).strip();
      }
    }
    return Optional.ofNullable(found);
  }

  private List<String> lines() {
    if (!Files.exists(path)) {
      return List.of();
    }
    try {
      return Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
