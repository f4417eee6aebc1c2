package com.flowviz.dr.activities.postgres;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The comment a swap puts on the live database before it closes it to new connections: which
 * workflow closed it, and the comment it had. A database found closed with this marker, whose
 * workflow no longer runs, was left closed by a swap that died.
 */
record ClosingMarker(String workflowId, String previousComment) {

  private static final String PREFIX = "flowviz-dr: closed for a swap by workflow ";
  private static final String PREVIOUS = "\nprevious comment: ";
  private static final Pattern FORMAT =
      Pattern.compile(
          Pattern.quote(PREFIX) + "(\\S+)(?:" + Pattern.quote(PREVIOUS) + "(.*))?", Pattern.DOTALL);

  /** Null when the comment is no closing marker. */
  static ClosingMarker parse(String comment) {
    if (comment == null) {
      return null;
    }
    Matcher m = FORMAT.matcher(comment);
    return m.matches() ? new ClosingMarker(m.group(1), m.group(2)) : null;
  }

  /** The marker for a swap by this workflow of a database whose comment is {@code current}. */
  static ClosingMarker closing(String workflowId, String current) {
    ClosingMarker earlier = parse(current);
    // A retry of a swap that died finds its own marker: the comment before it is the one to keep.
    return new ClosingMarker(workflowId, earlier != null ? earlier.previousComment() : current);
  }

  String text() {
    return PREFIX + workflowId + (previousComment == null ? "" : PREVIOUS + previousComment);
  }
}
