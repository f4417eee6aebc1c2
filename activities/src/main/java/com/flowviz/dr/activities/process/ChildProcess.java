package com.flowviz.dr.activities.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A child process run with care: an explicit argument list (never a shell), secrets only through
 * the environment, of which it inherits only an allow-list ({@link ChildEnvironment}), stderr
 * drained while it runs (a chatty {@code pg_restore -v} would otherwise fill the pipe and hang), a
 * deadline, a periodic callback for heartbeats, and the process tree destroyed on every way out.
 */
public final class ChildProcess implements AutoCloseable {

  private static final Duration TICK = Duration.ofSeconds(1);
  private static final int TAIL_CHARS = 16 * 1024;

  private final String program;
  private final Process process;
  private final OutputTail stderrTail = new OutputTail(TAIL_CHARS);
  private final OutputTail stdoutTail = new OutputTail(TAIL_CHARS);
  private final List<Thread> drains = new ArrayList<>();
  private boolean daemonLauncher;

  private ChildProcess(String program, Process process) {
    this.program = program;
    this.process = process;
  }

  /**
   * Starts the command.
   *
   * @param environment added to (and overriding) the part of the worker's environment this program
   *     inherits ({@link ChildEnvironment}); {@code null} values remove a variable
   * @param stderrLines sees every stderr line as it arrives (progress), may be null
   * @param captureStdout when true stdout is drained into a tail buffer; when false the caller
   *     reads {@link #stdout()}
   */
  public static ChildProcess start(
      List<String> command,
      Map<String, String> environment,
      Path workingDirectory,
      Consumer<String> stderrLines,
      boolean captureStdout) {
    ProcessBuilder builder = new ProcessBuilder(command);
    // An allow-list of the worker's environment, then the caller's own variables.
    builder.environment().clear();
    builder.environment().putAll(ChildEnvironment.of(command).inherited(System.getenv()));
    environment.forEach(
        (name, value) -> {
          if (value == null) {
            builder.environment().remove(name);
          } else {
            builder.environment().put(name, value);
          }
        });
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    String program = Path.of(command.get(0)).getFileName().toString();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
    ChildProcess child = new ChildProcess(program, process);
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // the child may already be gone; its exit code will tell
    }
    child.drain("stderr", process.getErrorStream(), child.stderrTail, stderrLines);
    if (captureStdout) {
      child.drain("stdout", process.getInputStream(), child.stdoutTail, null);
    }
    return child;
  }

  /** Runs the command to its end and returns its stdout tail; non-zero exit throws. */
  public static String run(
      List<String> command, Map<String, String> environment, Duration timeout, Runnable tick) {
    try (ChildProcess child = start(command, environment, null, null, true)) {
      child.awaitSuccess(timeout, tick);
      return child.stdoutTail();
    }
  }

  /**
   * Runs a command that starts a daemon and waits for it ({@code pg_ctl start -w}): on a timeout,
   * an interruption or a cancellation only the command itself is ended, never the daemon it
   * started. A worker stopping (SIGTERM interrupts its activities) while a recovering server starts
   * must leave that server recovering, for the retry to find.
   */
  public static String runLauncher(
      List<String> command, Map<String, String> environment, Duration timeout, Runnable tick) {
    try (ChildProcess child = start(command, environment, null, null, true)) {
      child.daemonLauncher = true;
      child.awaitSuccess(timeout, tick);
      return child.stdoutTail();
    }
  }

  public InputStream stdout() {
    return process.getInputStream();
  }

  public long pid() {
    return process.pid();
  }

  /** Bytes the process and its children have read so far (see {@link ProcessReads}). */
  public long bytesRead() {
    return ProcessReads.ofTree(process.toHandle());
  }

  /**
   * Waits for the process, calling {@code tick} about once a second (heartbeats; an exception from
   * it, e.g. a cancellation, kills the process and propagates).
   *
   * @return the exit code
   */
  public int await(Duration timeout, Runnable tick) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!process.waitFor(TICK.toMillis(), TimeUnit.MILLISECONDS)) {
        if (System.nanoTime() > deadline) {
          destroyTree();
          throw new TimeoutException(program + " did not finish within " + timeout);
        }
        if (tick != null) {
          tick.run();
        }
      }
      for (Thread drain : drains) {
        drain.join(TimeUnit.SECONDS.toMillis(10));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      destroyTree();
      throw new IllegalStateException(program + " was interrupted", e);
    }
  }

  /** Waits and throws {@link ProcessFailedException} on a non-zero exit. */
  public void awaitSuccess(Duration timeout, Runnable tick) {
    int exit;
    try {
      exit = await(timeout, tick);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e.getMessage() + "; last output: " + stderrTail(), e);
    }
    if (exit != 0) {
      throw new ProcessFailedException(program, exit, stderrTail());
    }
  }

  public String stderrTail() {
    return stderrTail.toString();
  }

  public String stdoutTail() {
    return stdoutTail.toString();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      destroyTree();
    }
  }

  private void destroyTree() {
    if (!daemonLauncher) {
      process.descendants().forEach(ProcessHandle::destroy);
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        if (!daemonLauncher) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void drain(String name, InputStream stream, OutputTail tail, Consumer<String> lines) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  tail.add(line);
                  if (lines != null) {
                    lines.accept(line);
                  }
                }
              } catch (IOException ignored) {
                // the process ended; what was read is in the tail
              }
            },
            program + "-" + name + "-" + process.pid());
    thread.setDaemon(true);
    thread.start();
    drains.add(thread);
  }
}
