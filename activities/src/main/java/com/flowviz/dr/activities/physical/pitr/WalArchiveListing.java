package com.flowviz.dr.activities.physical.pitr;

import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.storage.StoredObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /** The segment with the highest timeline and position, if any. */
  Optional<WalFile> newestSegment() {
    return segments.isEmpty() ? Optional.empty() : Optional.of(segments.lastEntry().getValue());
  }

  /** The latest time any segment was archived: no WAL written after it is in the archive. */
  Optional<Instant> newestArchivedAt() {
    return segments.values().stream().map(WalFile::archivedAt).max(Instant::compareTo);
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
   * Following the start segment's timeline: the last segment present before the first missing one
   * (the end of what can be replayed without a gap), and that first missing one when a later
   * segment of the timeline exists (a gap, not the archive's end).
   */
  Contiguous contiguousFrom(String startWalFile) {
    String timeline = startWalFile.substring(0, 8);
    Map<String, WalFile> onTimeline = new TreeMap<>(segments.subMap(timeline, timeline + "G"));
    WalFile last = null;
    String name = startWalFile;
    while (onTimeline.containsKey(name)) {
      last = onTimeline.get(name);
      name = next(name);
    }
    String finalName = name;
    boolean laterExists = onTimeline.keySet().stream().anyMatch(n -> n.compareTo(finalName) > 0);
    return new Contiguous(last, laterExists ? name : null);
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
