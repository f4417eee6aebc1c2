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
  private static final Pattern RESTORED =
      Pattern.compile("restored log file \"([0-9A-F]{24})\" from archive");

  private final Path path;

  /** Where this attempt's lines begin: a FATAL line before it is an earlier attempt's. */
  private final long attemptStart;

  /** The log as this attempt finds it: what follows is this attempt's. */
  ServerLog(Path path) {
    this.path = path;
    long size;
    try {
      size = Files.exists(path) ? Files.size(path) : 0;
    } catch (IOException e) {
      size = 0;
    }
    this.attemptStart = size;
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

  /** This attempt's last FATAL or PANIC message. */
  Optional<String> lastFatal() {
    return last(FATAL, linesOfThisAttempt());
  }

  /** WAL segments recovery has taken from the spool so far (PostgreSQL logs each one). */
  long restoredSegments() {
    return lines().stream()
        .map(RESTORED::matcher)
        .filter(Matcher::find)
        .map(m -> m.group(1))
        .distinct()
        .count();
  }

  private Optional<String> last(Pattern pattern) {
    return last(pattern, lines());
  }

  private static Optional<String> last(Pattern pattern, List<String> lines) {
    String found = null;
    for (String line : lines) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        found = m.group(1).strip();
      }
    }
    return Optional.ofNullable(found);
  }

  private List<String> linesOfThisAttempt() {
    if (!Files.exists(path)) {
      return List.of();
    }
    try (var in = Files.newInputStream(path)) {
      in.skipNBytes(Math.min(attemptStart, Files.size(path)));
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
