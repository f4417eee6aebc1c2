package com.flowviz.dr.starter;

import io.temporal.client.WorkflowFailedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Follows a started workflow to its end: its progress on the terminal meanwhile, then its result.
 */
final class Following {
  private Following() {}

  /**
   * Runs {@code poll} every {@code interval} until the workflow ends, then returns its result.
   *
   * @throws WorkflowFailedException when the workflow failed, for {@link Failures#print}
   */
  static <R> R untilDone(CompletableFuture<R> result, Duration interval, Runnable poll)
      throws InterruptedException {
    while (!result.isDone()) {
      try {
        poll.run();
      } catch (RuntimeException notYetAnswered) {
        // a query before a worker has picked the workflow up; the next poll or the result tells
      }
      Thread.sleep(interval.toMillis());
    }
    try {
      return result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WorkflowFailedException failed) {
        throw failed;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
