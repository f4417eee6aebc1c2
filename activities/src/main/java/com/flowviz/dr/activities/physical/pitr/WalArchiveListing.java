package com.flowviz.dr.activities.physical.pitr;

import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.storage.StoredObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The WAL files of one cluster in the bucket, by name: which segments a base backup's recovery can
 * replay, where the archive has a gap, and when its newest segment was written.
 */
final class WalArchiveListing {

  /** A WAL file in the archive: its name and when its object was written. */
  record WalFile(String name, Instant archivedAt) {}

  private final TreeMap<String, WalFile> segments = new TreeMap<>();
  private final List<WalFile> histories = new ArrayList<>();

  WalArchiveListing(String systemIdentifier, List<StoredObject> objects) {
    String prefix = PhysicalArchiveLayout.walPrefix(systemIdentifier);
    for (StoredObject o : objects) {
      String name = o.key().substring(o.key().lastIndexOf('/') + 1);
      if (!o.key().startsWith(prefix) || !name.endsWith(PhysicalArchiveLayout.WAL_SUFFIX)) {
        continue;
      }
      name = name.substring(0, name.length() - PhysicalArchiveLayout.WAL_SUFFIX.length());
      if (PhysicalArchiveLayout.isSegment(name)) {
        segments.put(name, new WalFile(name, o.lastModified()));
      } else if (name.endsWith(".history")) {
        histories.add(new WalFile(name, o.lastModified()));
      }
    }
  }

  /**
   * The segments a recovery from {@code startWalFile} may ask for: those of its timeline and of
   * every later timeline, from the start position on, and every timeline history file.
   */
  List<WalFile> neededFrom(String startWalFile) {
    long timeline = timeline(startWalFile);
    String position = startWalFile.substring(8);
    List<WalFile> needed = new ArrayList<>(histories);
    for (WalFile segment : segments.values()) {
      if (timeline(segment.name()) >= timeline
          && segment.name().substring(8).compareTo(position) >= 0) {
        needed.add(segment);
      }
    }
    return needed;
  }

  /**
   * The first segment missing from a directory of WAL files (the spool) while a later one of the
   * same timeline is there.
   */
  static Optional<String> firstGap(java.nio.file.Path directory) {
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    try (var files = java.nio.file.Files.list(directory)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(PhysicalArchiveLayout::isSegment)
          .forEach(names::add);
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
    for (String name : names) {
      String next = next(name);
      String later = names.higher(name);
      if (later != null && later.startsWith(name.substring(0, 8)) && !later.equals(next)) {
        return Optional.of(next);
      }
    }
    return Optional.empty();
  }

  /**
   * The same along a timeline history, as recovery with {@code recovery_target_timeline = 'latest'}
   * reads it: at each position the newest timeline of the history that covers it (from the segment
   * of its fork point on), else its ancestor's segment. WAL that an ancestor wrote after its fork
   * point is not on the path: {@link #offPath} names it.
   */
  Contiguous contiguousAlong(String startWalFile, TimelineHistory history) {
    long position = position(startWalFile);
    WalFile last = null;
    while (true) {
      Optional<WalFile> found = onPathAt(position, history);
      if (found.isEmpty()) {
        break;
      }
      last = found.get();
      position++;
    }
    long missing = position;
    boolean laterExists =
        segments.values().stream()
            .anyMatch(f -> position(f.name()) > missing && onPath(f, history));
    String firstMissing = laterExists ? name(history.timelineAt(missing << 24), missing) : null;
    return new Contiguous(last, firstMissing);
  }

  /** The segments of the history's path, from {@code startWalFile}'s position on. */
  List<WalFile> onPathFrom(String startWalFile, TimelineHistory history) {
    long start = position(startWalFile);
    return segments.values().stream()
        .filter(f -> position(f.name()) >= start && onPath(f, history))
        .toList();
  }

  /**
   * Segments from {@code startWalFile}'s position on that the history's recovery does not read: an
   * ancestor's WAL after its fork point (the old primary writing on after a failover), or a
   * timeline that is not in the history at all (another branch).
   */
  List<WalFile> offPath(String startWalFile, TimelineHistory history) {
    long start = position(startWalFile);
    return segments.values().stream()
        .filter(f -> position(f.name()) >= start && !onPath(f, history))
        .toList();
  }

  private Optional<WalFile> onPathAt(long position, TimelineHistory history) {
    return segments.values().stream()
        .filter(f -> position(f.name()) == position && onPath(f, history))
        .max(java.util.Comparator.comparingLong(f -> timeline(f.name())));
  }

  /** Whether recovery along the history reads this segment: inside its timeline's range there. */
  private static boolean onPath(WalFile segment, TimelineHistory history) {
    int tli = (int) timeline(segment.name());
    long begin = history.beginOf(tli);
    long end = history.endOf(tli);
    if (begin < 0 || end < 0) {
      return false;
    }
    long position = position(segment.name());
    // An ancestor's segment is read only if it holds WAL before the fork point: with the fork at a
    // segment's first byte, that segment is the new timeline's alone.
    return position >= TimelineHistory.Lsn.segment(begin)
        && (end == Long.MAX_VALUE || (end > 0 && position <= TimelineHistory.Lsn.segment(end - 1)));
  }

  /** The timeline numbers that have a history file in the archive. */
  java.util.SortedSet<Integer> historyTimelines() {
    java.util.TreeSet<Integer> timelines = new java.util.TreeSet<>();
    for (WalFile h : histories) {
      timelines.add(Integer.parseInt(h.name().substring(0, 8), 16));
    }
    return timelines;
  }

  /**
   * The timeline recovery from {@code timeline} ends on with {@code recovery_target_timeline =
   * 'latest'}: PostgreSQL looks for the history files of the next timelines, one after the other,
   * and takes the last it finds.
   */
  int newestTimelineFrom(int timeline) {
    java.util.SortedSet<Integer> histories = historyTimelines();
    int newest = timeline;
    while (histories.contains(newest + 1)) {
      newest++;
    }
    return newest;
  }

  /** The segment number within the cluster's WAL (16 MiB segments). */
  static long position(String walFile) {
    return Long.parseLong(walFile.substring(8, 16), 16) * 256
        + Long.parseLong(walFile.substring(16, 24), 16);
  }

  static String name(int timeline, long position) {
    return String.format("%08X%08X%08X", timeline, position / 256, position % 256);
  }

  /** {@code last} null: not even the start segment is archived. */
  record Contiguous(WalFile last, String firstMissing) {}

  /** The next 16 MiB segment's name on the same timeline. */
  static String next(String segment) {
    long log = Long.parseLong(segment.substring(8, 16), 16);
    long seg = Long.parseLong(segment.substring(16, 24), 16) + 1;
    if (seg > 0xFF) {
      seg = 0;
      log++;
    }
    return String.format("%s%08X%08X", segment.substring(0, 8), log, seg);
  }

  static long timeline(String walFile) {
    return Long.parseLong(walFile.substring(0, 8), 16);
  }
}
