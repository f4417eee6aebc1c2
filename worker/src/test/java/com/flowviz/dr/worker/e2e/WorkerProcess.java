package com.flowviz.dr.worker.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The worker as a process of its own, started the way it runs in production, so a test can kill it
 * with SIGKILL or stop it with SIGTERM and start another. Configuration goes in as system
 * properties (names and paths only); credentials through the environment.
 */
final class WorkerProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static WorkerProcess start(
      Map<String, Object> properties, Map<String, String> environment, Path logDirectory) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("com.flowviz.dr.worker.WorkerApplication");
    try {
      Files.createDirectories(logDirectory);
      Path log = Files.createTempFile(logDirectory, "worker-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(environment);
      WorkerProcess worker = new WorkerProcess(builder.start(), log);
      // Polling, with the HTTP server up and the shutdown hook registered. Generous: at a load of
      // 25 on 2 cores one start took 85 s; a worker that never starts still fails.
      worker.awaitLog("Worker started: SIGTERM stops it", Duration.ofSeconds(180));
      return worker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: no shutdown hook, no graceful stop, as when a machine dies. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * How a SIGTERM ended the process: its exit code and how long it took, or null when it did not
   * end in time.
   */
  record Termination(Integer exitCode, Duration took) {
    boolean ended() {
      return exitCode != null;
    }
  }

  /**
   * SIGTERM (what docker stop, kubectl delete pod and systemctl stop send first), then waits up to
   * {@code timeout} for the process to end. A process still alive then is left for the caller to
   * report and kill.
   */
  Termination terminate(Duration timeout) {
    long start = System.nanoTime();
    process.destroy(); // SIGTERM on Linux
    try {
      boolean ended =
          process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return new Termination(
          ended ? process.exitValue() : null, Duration.ofNanos(System.nanoTime() - start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Termination(null, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  private void awaitLog(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (log().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("The worker process exited at start:\n" + log());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("The worker did not start within " + timeout + ":\n" + log());
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
