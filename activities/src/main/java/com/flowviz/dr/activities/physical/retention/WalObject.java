package com.flowviz.dr.activities.physical.retention;

import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An object under {@code wal/<system id>/<timeline>/}, read from its key: which WAL file it belongs
 * to (its signature {@code .sig}, if stored beside it, belongs to the same file) and where that
 * file sits in the WAL.
 *
 * @param walFile the name PostgreSQL gave the file ({@code %f})
 * @param timeline the file's timeline, parsed from the 8 hex digits
 * @param position the segment's log and segment number (16 hex digits), the same on every timeline
 *     for the same WAL position; null for a {@code .history} file, which has none
 */
record WalObject(String key, String walFile, long timeline, String position) {

  private static final Pattern POSITION =
      Pattern.compile("[0-9A-F]{8}([0-9A-F]{16})(\\.[0-9A-F]{8}\\.backup|\\.partial)?");

  /**
   * The object for a key, or empty when the key is not one this layout writes (anything else under
   * the prefix is left alone: what we cannot name we do not delete).
   */
  static Optional<WalObject> of(String walPrefix, String key) {
    if (!key.startsWith(walPrefix)) {
      return Optional.empty();
    }
    String rest = key.substring(walPrefix.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String directory = rest.substring(0, slash);
    String name = rest.substring(slash + 1);
    if (name.endsWith(".sig")) {
      name = name.substring(0, name.length() - ".sig".length());
    }
    if (!name.endsWith(PhysicalArchiveLayout.WAL_SUFFIX)) {
      return Optional.empty();
    }
    String walFile = name.substring(0, name.length() - PhysicalArchiveLayout.WAL_SUFFIX.length());
    Optional<String> timeline = PhysicalArchiveLayout.timelineOf(walFile);
    // A file filed under another timeline's directory is not one we wrote: leave it.
    if (timeline.isEmpty() || !timeline.get().equals(directory)) {
      return Optional.empty();
    }
    Matcher m = POSITION.matcher(walFile);
    return Optional.of(
        new WalObject(
            key, walFile, Long.parseLong(timeline.get(), 16), m.matches() ? m.group(1) : null));
  }

  /** The position of a segment name ({@code 000000010000000000000003}). */
  static String positionOf(String segmentName) {
    Matcher m = POSITION.matcher(segmentName);
    if (!m.matches() || m.group(2) != null) {
      throw new IllegalArgumentException("\"" + segmentName + "\" is not a WAL segment name");
    }
    return m.group(1);
  }

  static long timelineOfSegment(String segmentName) {
    positionOf(segmentName);
    return Long.parseLong(segmentName.substring(0, 8), 16);
  }

  boolean isHistory() {
    return position == null;
  }
}
