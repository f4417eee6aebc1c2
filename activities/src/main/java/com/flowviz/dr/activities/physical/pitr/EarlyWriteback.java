package com.flowviz.dr.activities.physical.pitr;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Writes a directory's dirty pages to disk while it is still being filled, with {@code sync -f}
 * (syncfs(2) of its file system) in a loop.
 *
 * <p>Why: the first start of a restored data directory fsyncs every file (PostgreSQL's
 * SyncDataDirectory, since the backup's pg_control says "in production"); with a base backup just
 * written and not yet on disk that start took 1.0 s of a 1.66 GB restore, 0.26 s when the pages had
 * gone out during the extraction. The kernel would start writing them only 30 s later
 * (dirty_expire_centisecs) or past its dirty ratio. pgBackRest fsyncs each file it restores for the
 * same reason. Nothing depends on this for durability: the server's own fsync is what counts; a
 * failed sync is ignored.
 */
final class EarlyWriteback implements AutoCloseable {

  private static final Duration PAUSE = Duration.ofMillis(200);

  private final Path directory;
  private final Thread thread;
  private volatile boolean running = true;

  private EarlyWriteback(Path directory) {
    this.directory = directory;
    this.thread = new Thread(this::loop, "early-writeback");
    thread.setDaemon(true);
  }

  /** Starts writing back {@code directory}'s file system until {@link #close}. */
  static EarlyWriteback of(Path directory) {
    EarlyWriteback writeback = new EarlyWriteback(directory);
    writeback.thread.start();
    return writeback;
  }

  private void loop() {
    while (running) {
      try {
        Process sync =
            new ProcessBuilder("sync", "-f", directory.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        sync.waitFor(5, TimeUnit.MINUTES);
        Thread.sleep(PAUSE.toMillis());
      } catch (IOException e) {
        return; // no sync(1) here: the server's start flushes instead
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops the loop; a sync under way finishes on its own, unwaited. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
