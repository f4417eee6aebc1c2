package com.flowviz.dr.worker.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Reads every process's command line from /proc twenty times a second for the whole test run, so
 * the secrets test can check the arguments of everything the workers started (pg_dump, pg_restore,
 * gpg, terraform, restart commands), in this JVM's workers and in worker processes.
 */
final class ProcessWatcher {

  private static final int MAX_LINES = 100_000;
  private static final Set<String> seen = ConcurrentHashMap.newKeySet();
  private static volatile boolean started;

  private ProcessWatcher() {}

  static synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    Thread watcher =
        new Thread(
            () -> {
              while (true) {
                scan();
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "process-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Every distinct command line seen since the watcher started (arguments separated by spaces). */
  static Set<String> seen() {
    return Set.copyOf(seen);
  }

  private static void scan() {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      processes
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                try {
                  String line =
                      new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                          .replace('\0', ' ')
                          .trim();
                  if (!line.isEmpty() && seen.size() < MAX_LINES) {
                    seen.add(line);
                  }
                } catch (IOException ignored) {
                  // the process ended meanwhile
                }
              });
    } catch (IOException ignored) {
      // /proc is always there on Linux
    }
  }
}
