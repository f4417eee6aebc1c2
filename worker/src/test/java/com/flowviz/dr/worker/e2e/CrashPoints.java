package com.flowviz.dr.worker.e2e;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test-only worker interceptor that freezes a worker at a chosen point so a test can SIGKILL it
 * there. A workflow whose id starts with {@code crash-at-<ActivityType>-} is frozen in the first
 * attempt of that activity after the activity has done its work and before its result reaches
 * Temporal: the outside side effect has happened and the server does not know it, the hardest
 * moment for a retry to stay exactly-once. The freeze is announced by a file named after the
 * workflow id in the crash-point directory; a workflow freezes once, whichever worker runs it.
 */
@Singleton
@Requires(property = CrashPoints.DIRECTORY)
final class CrashPoints extends WorkerInterceptorBase {

  static final String DIRECTORY = "flowviz.test.crash-points";

  private final Path directory;

  CrashPoints(@Value("${" + DIRECTORY + "}") String directory) {
    this.directory = Path.of(directory);
  }

  static String workflowId(String activityType) {
    return "crash-at-" + activityType + "-" + System.nanoTime();
  }

  static boolean frozen(Path directory, String workflowId) {
    return Files.exists(directory.resolve(workflowId));
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        ActivityOutput output = super.execute(input);
        ActivityInfo info = context.getInfo();
        if (info.getAttempt() == 1
            && info.getWorkflowId().startsWith("crash-at-" + info.getActivityType() + "-")
            && claim(info.getWorkflowId())) {
          try {
            Thread.sleep(Long.MAX_VALUE); // until the test kills this process
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return output;
      }
    };
  }

  private boolean claim(String workflowId) {
    try {
      Files.createDirectories(directory);
      Files.createFile(directory.resolve(workflowId));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
