package com.flowviz.dr.activities.app;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.process.ChildProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

public class ApplicationActivitiesImpl implements ApplicationActivities {

  private final List<String> restartCommand;
  private final Duration timeout;

  /** @param restartCommand an argument list, e.g. [docker, compose, restart, api]; empty for none */
  public ApplicationActivitiesImpl(List<String> restartCommand, Duration timeout) {
    this.restartCommand = List.copyOf(restartCommand);
    this.timeout = timeout;
  }

  @Override
  public RestartOutcome restartApplication() {
    if (restartCommand.isEmpty()) {
      return new RestartOutcome(false, "", 0, 0, "");
    }
    String shown = String.join(" ", restartCommand);
    long started = System.nanoTime();
    try (ChildProcess child = ChildProcess.start(restartCommand, Map.of(), null, null, true)) {
      int exit = child.await(timeout, () -> Heartbeats.beat("running " + shown));
      String output = (child.stdoutTail() + "\n" + child.stderrTail()).strip();
      return new RestartOutcome(true, shown, exit, (System.nanoTime() - started) / 1_000_000, tail(output));
    } catch (TimeoutException e) {
      return new RestartOutcome(true, shown, -1, (System.nanoTime() - started) / 1_000_000, e.getMessage());
    } catch (java.io.UncheckedIOException e) {
      // The command could not start (not installed?): a report for the operator, not a retry loop.
      return new RestartOutcome(true, shown, -1, 0, e.getMessage());
    }
  }

  private static String tail(String output) {
    return output.length() > 2000 ? output.substring(output.length() - 2000) : output;
  }
}
