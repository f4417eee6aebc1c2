package com.flowviz.dr.worker;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import java.util.concurrent.CountDownLatch;

/** The worker process: hosts the flowviz-dr workflows and activities until it is stopped. */
public final class WorkerApplication {

  private WorkerApplication() {}

  public static void main(String[] args) throws InterruptedException {
    ApplicationContext context = Micronaut.build(args).mainClass(WorkerApplication.class).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      context.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
