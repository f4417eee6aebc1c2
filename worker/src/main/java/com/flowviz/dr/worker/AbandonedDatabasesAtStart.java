package com.flowviz.dr.worker;

import com.flowviz.dr.activities.postgres.PostgresActivitiesImpl;
import com.flowviz.dr.activities.postgres.ReopenedDatabase;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the worker starts, it opens again the databases on its server that a swap closed and left
 * closed because its workflow died and was never retried (it asks Temporal whether the workflow
 * named in the swap's marker still runs). In the background: a server that is down holds up neither
 * polling nor readiness; the next procedure on that server looks again.
 */
@Singleton
public class AbandonedDatabasesAtStart {

  private static final Logger log = LoggerFactory.getLogger(AbandonedDatabasesAtStart.class);
  private static final int ATTEMPTS = 3;
  private static final Duration BETWEEN_ATTEMPTS = Duration.ofSeconds(10);

  private final PostgresActivitiesImpl postgres;

  public AbandonedDatabasesAtStart(PostgresActivitiesImpl postgres) {
    this.postgres = postgres;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    Thread look = new Thread(this::reopen, "reopen-abandoned-databases");
    look.setDaemon(true);
    look.start();
  }

  void reopen() {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        List<ReopenedDatabase> reopened = postgres.reopenAbandonedDatabases(null, null);
        if (reopened.isEmpty()) {
          log.info("No database on the worker's server was left closed by a swap");
        }
        for (ReopenedDatabase r : reopened) {
          log.warn("AUDIT reopen-abandoned-database at worker start: opened {}", r.describe());
        }
        return;
      } catch (RuntimeException e) {
        log.warn(
            "Cannot look for databases a swap left closed (attempt {}/{}): {}",
            attempt,
            ATTEMPTS,
            e.getMessage());
      }
      try {
        Thread.sleep(BETWEEN_ATTEMPTS.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
