package com.flowviz.dr.activities.physical.pitr;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The history a timeline descends from, as its {@code NNNNNNNN.history} file records it: each
 * ancestor timeline and the LSN where the next one forked off it. Recovery with {@code
 * recovery_target_timeline = 'latest'} follows the newest timeline's history; a base backup on any
 * other branch, or WAL written on an ancestor after its fork point, is not on that path.
 */
record TimelineHistory(int timeline, List<Ancestor> ancestors) {

  /** An ancestor timeline, whose WAL on this history ends at {@code forkedAt}. */
  record Ancestor(int timeline, long forkedAt) {}

  /** Timeline 1, or one whose history file is not in the archive: no ancestors. */
  static TimelineHistory root(int timeline) {
    return new TimelineHistory(timeline, List.of());
  }

  /** PostgreSQL's format: "parent-TLI TAB switchpoint TAB reason" per line, '#' comments. */
  static TimelineHistory parse(int timeline, byte[] content) {
    List<Ancestor> ancestors = new ArrayList<>();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] fields = trimmed.split("\\s+");
      if (fields.length < 2) {
        throw new IllegalArgumentException(
            "timeline " + timeline + "'s history has a line without a switch point: " + trimmed);
      }
      ancestors.add(new Ancestor(Integer.parseInt(fields[0]), Lsn.parse(fields[1])));
    }
    return new TimelineHistory(timeline, List.copyOf(ancestors));
  }

  /**
   * Whether WAL of {@code onTimeline} up to {@code lsn} is on this history: the timeline itself, or
   * an ancestor forked off at or after {@code lsn}.
   */
  boolean holds(int onTimeline, long lsn) {
    if (onTimeline == timeline) {
      return true;
    }
    return ancestors.stream().anyMatch(a -> a.timeline() == onTimeline && lsn <= a.forkedAt());
  }

  /** Where this history leaves {@code ancestor}, or {@link Long#MAX_VALUE} for its own timeline. */
  long endOf(int ancestor) {
    return ancestors.stream()
        .filter(a -> a.timeline() == ancestor)
        .mapToLong(Ancestor::forkedAt)
        .findFirst()
        .orElse(ancestor == timeline ? Long.MAX_VALUE : -1);
  }

  /** Where {@code onTimeline} begins on this history: the fork point of the ancestor before it. */
  long beginOf(int onTimeline) {
    long begin = 0;
    for (Ancestor a : ancestors) {
      if (a.timeline() == onTimeline) {
        return begin;
      }
      begin = a.forkedAt();
    }
    return onTimeline == timeline ? begin : -1;
  }

  /** The timeline of this history that holds {@code lsn}. */
  int timelineAt(long lsn) {
    for (Ancestor a : ancestors) {
      if (lsn < a.forkedAt()) {
        return a.timeline();
      }
    }
    return timeline;
  }

  /** "1 until 0/5000000, then 2" for an operator. */
  String describe() {
    StringBuilder text = new StringBuilder();
    for (Ancestor a : ancestors) {
      text.append("timeline ")
          .append(a.timeline())
          .append(" until ")
          .append(Lsn.format(a.forkedAt()))
          .append(", then ");
    }
    return text.append("timeline ").append(timeline).toString();
  }

  /** PostgreSQL's LSN text, {@code 0/5000000}. */
  static final class Lsn {
    private Lsn() {}

    static long parse(String text) {
      int slash = text.indexOf('/');
      return (Long.parseLong(text.substring(0, slash), 16) << 32)
          | Long.parseLong(text.substring(slash + 1), 16);
    }

    static String format(long lsn) {
      return String.format("%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }

    /** The 16 MiB segment number holding {@code lsn}. */
    static long segment(long lsn) {
      return lsn >>> 24;
    }
  }
}
