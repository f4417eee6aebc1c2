package com.flowviz.dr.activities.process;

import java.util.ArrayDeque;
import java.util.Deque;

/** The last lines of a process's output, bounded in size, for error messages. */
public final class OutputTail {
  private final int maxChars;
  private final Deque<String> lines = new ArrayDeque<>();
  private int chars;

  public OutputTail(int maxChars) {
    this.maxChars = maxChars;
  }

  public synchronized void add(String line) {
    lines.addLast(line);
    chars += line.length() + 1;
    while (chars > maxChars && lines.size() > 1) {
      chars -= lines.removeFirst().length() + 1;
    }
  }

  @Override
  public synchronized String toString() {
    return String.join("\n", lines);
  }
}
