package com.flowviz.dr.activities.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Bytes a process and its children have read so far, from Linux's {@code /proc/<pid>/io} ({@code
 * rchar}: every byte passed to read()). For {@code pg_restore -j} that is the archive read by the
 * leader and its workers (plus its few small reads besides): how far a restore is, which its output
 * does not say while it loads a large table.
 */
public final class ProcessReads {

  private ProcessReads() {}

  /** 0 where /proc cannot tell (another OS, a process already gone). */
  public static long ofTree(ProcessHandle process) {
    return Stream.concat(Stream.of(process), process.descendants())
        .mapToLong(ProcessReads::of)
        .sum();
  }

  private static long of(ProcessHandle process) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "io"))) {
        if (line.startsWith("rchar:")) {
          return Long.parseLong(line.substring("rchar:".length()).strip());
        }
      }
    } catch (IOException | RuntimeException gone) {
      // ended between the listing and the read, or no /proc
    }
    return 0;
  }
}
