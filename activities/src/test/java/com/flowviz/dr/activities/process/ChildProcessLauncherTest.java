package com.flowviz.dr.activities.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command interrupted while it waits for the daemon it started (pg_ctl start -w when the worker
 * stops): {@link ChildProcess#runLauncher} ends the command only, {@link ChildProcess#run} the
 * whole tree.
 */
class ChildProcessLauncherTest {

  @Test
  void anInterruptedLauncherLeavesItsDaemonRunningWhereRunEndsTheTree(@TempDir Path dir)
      throws Exception {
    ProcessHandle launched = interruptWhileWaiting(dir.resolve("a"), true);
    try {
      assertTrue(launched.isAlive(), "the daemon survives the launcher's end");
    } finally {
      launched.destroyForcibly();
    }
    ProcessHandle killed = interruptWhileWaiting(dir.resolve("b"), false);
    killed.onExit().get(10, TimeUnit.SECONDS);
    assertFalse(killed.isAlive(), "run ends every process of the tree");
  }

  /** A shell that starts a background sleep (the daemon), records its pid, and waits. */
  private static ProcessHandle interruptWhileWaiting(Path pidFile, boolean launcher)
      throws Exception {
    List<String> command = List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; sleep 60");
    var pool = Executors.newSingleThreadExecutor();
    Thread[] waiting = new Thread[1];
    Future<String> call =
        pool.submit(
            () -> {
              waiting[0] = Thread.currentThread();
              return launcher
                  ? ChildProcess.runLauncher(command, Map.of(), Duration.ofMinutes(1), null)
                  : ChildProcess.run(command, Map.of(), Duration.ofMinutes(1), null);
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
      assertTrue(System.nanoTime() < deadline, "the shell never started its daemon");
      Thread.sleep(20);
    }
    ProcessHandle daemon =
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElseThrow();
    waiting[0].interrupt();
    assertThrows(ExecutionException.class, call::get);
    pool.shutdown();
    return daemon;
  }
}
