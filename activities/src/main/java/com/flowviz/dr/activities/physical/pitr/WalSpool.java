package com.flowviz.dr.activities.physical.pitr;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.physical.wal.WalFetch;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The WAL a recovery will replay, fetched before it asks: each file through the same checks as
 * {@code restore_command}'s fetch (signature, recorded SHA-256, cluster identity), decrypted into a
 * local directory that {@code restore_command} then only copies from. Files are fetched in parallel
 * while the base backup lands, and a file already in the spool (an earlier attempt) is not fetched
 * again.
 */
final class WalSpool {

  /** Parallel fetches: each is one GET and one decryption of up to 16 MiB. */
  static final int PARALLEL = 4;

  private final WalFetch fetch;
  private final String systemIdentifier;
  private final Path spool;

  WalSpool(WalFetch fetch, String systemIdentifier, Path spool) {
    this.fetch = fetch;
    this.systemIdentifier = systemIdentifier;
    this.spool = spool;
  }

  /**
   * Fetches every file; a file the archive refuses (tampered, foreign, unsigned) fails the whole
   * spool non-retryably, naming it.
   *
   * @return how many files the spool holds
   */
  int fill(List<WalArchiveListing.WalFile> files, Runnable progress)
      throws IOException, InterruptedException {
    Files.createDirectories(spool);
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            PARALLEL,
            r -> {
              Thread t = new Thread(r, "wal-spool");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Object>> fetches =
          files.stream()
              .map(
                  f ->
                      pool.submit(
                          () -> {
                            fetchOne(f.name());
                            done.incrementAndGet();
                            progress.run();
                            return null;
                          }))
              .toList();
      for (Future<Object> f : fetches) {
        try {
          f.get();
        } catch (ExecutionException e) {
          fetches.forEach(other -> other.cancel(true));
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IOException(e.getCause());
        }
      }
      return done.get();
    } finally {
      pool.shutdownNow();
    }
  }

  private void fetchOne(String name) {
    Path target = spool.resolve(name);
    if (Files.isRegularFile(target)) {
      return; // written whole (renamed into place) by an earlier attempt
    }
    try {
      WalFetch.Outcome outcome = fetch.fetch(name, target, systemIdentifier);
      if (outcome == WalFetch.Outcome.MISSING) {
        // Listed a moment ago: an expiry removed it meanwhile. Recovery finds the spool's gap.
        return;
      }
    } catch (WalFetch.Refused e) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "The archive's WAL file "
              + name
              + " is refused: "
              + e.getMessage()
              + ". Nothing was started: the restore replays only WAL flowviz-dr archived as is."
              + " Find out who wrote it (CloudTrail data events on the bucket) before anything"
              + " else.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
