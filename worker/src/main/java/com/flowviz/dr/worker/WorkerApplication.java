package com.flowviz.dr.worker;

import io.micronaut.runtime.Micronaut;
import java.util.Arrays;
import org.slf4j.LoggerFactory;

/**
 * The worker process: hosts the flowviz-dr workflows and activities until it is stopped.
 *
 * <p>It stops one way: SIGTERM (docker stop, kubectl delete pod, systemctl stop) runs Micronaut's
 * own shutdown hook, which stops the HTTP server and closes the context once; closing it stops the
 * Temporal worker within {@code flowviz.worker.shutdown-grace} ({@link WorkerRegistration}). There
 * is no hook of our own: a second one raced Micronaut's for the context's and the server's locks
 * and deadlocked, so a worker that had done work only ever ended with SIGKILL. The server's threads
 * keep the process up until then; the JVM exits 143 (SIGTERM) once the hook is done.
 */
public final class WorkerApplication {

  private WorkerApplication() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("migrate-audit")) {
      // A one-shot administrator's command, not the worker: no Micronaut context, no Temporal.
      System.exit(MigrateAuditCommand.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    Micronaut.build(args).mainClass(WorkerApplication.class).start();
    // Only from here is the hook in place: a SIGTERM before this line ends the JVM without it.
    LoggerFactory.getLogger(WorkerApplication.class)
        .info("Worker started: SIGTERM stops it in order");
  }
}
