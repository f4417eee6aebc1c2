package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Starts a procedure's workflow and reports its outcome, the same way for every command: started
 * and returned (--no-follow), or followed to its end with its progress, then the result as text or
 * JSON and an exit code; a failed workflow through {@link Failures#print}.
 */
final class Launch<R> {

  /** What a command shows while its workflow runs, and of its end. */
  interface Watch<R> {
    /** A look at the running workflow (a query); failures of it are ignored. */
    void poll();

    /** Before the failure is printed, e.g. the steps the failed workflow got through. */
    default void failed(WorkflowFailedException failed) {}

    /** The result, as text. */
    void report(R done);
  }

  private final String workflowType;
  private final Class<R> resultType;
  private final String id;
  private final WorkflowOptions.Builder options;
  private Object request;
  private boolean detached;
  private Object detachedJson;
  private String detachedText;
  private List<String> announcement = List.of();
  private Duration interval = Duration.ofSeconds(1);
  private Function<WorkflowClient, Watch<R>> watch;
  private Function<R, Object> outcome;
  private ToIntFunction<R> exitCode = done -> 0;

  private Launch(String workflowType, Class<R> resultType, String id) {
    this.workflowType = workflowType;
    this.resultType = resultType;
    this.id = id;
    this.options = WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id);
  }

  static <R> Launch<R> of(String workflowType, Class<R> resultType, String id) {
    return new Launch<>(workflowType, resultType, id);
  }

  Launch<R> request(Object request) {
    this.request = request;
    return this;
  }

  Launch<R> summary(String summary) {
    options.setStaticSummary(summary);
    return this;
  }

  /** The operator, and the reason when given, shown with the workflow in the UI. */
  Launch<R> details(String operator, String reason) {
    options.setStaticDetails(
        "Operator: " + operator + (reason == null ? "" : "\nReason: " + reason));
    return this;
  }

  Launch<R> options(Consumer<WorkflowOptions.Builder> more) {
    more.accept(options);
    return this;
  }

  /** With --no-follow: STARTED as JSON, else {@code text}, and return at once. */
  Launch<R> noFollow(boolean noFollow, String text) {
    return detached(noFollow, Map.of("workflowId", id, "status", "STARTED"), text);
  }

  /** Return at once after the start, printing {@code json} or {@code text}. */
  Launch<R> detached(boolean detached, Object json, String text) {
    this.detached = detached;
    this.detachedJson = json;
    this.detachedText = text;
    return this;
  }

  /** The lines printed (as text) once the workflow has started and is followed. */
  Launch<R> announce(String... lines) {
    this.announcement = List.of(lines);
    return this;
  }

  Launch<R> every(Duration interval) {
    this.interval = interval;
    return this;
  }

  Launch<R> watch(Function<WorkflowClient, Watch<R>> watch) {
    this.watch = watch;
    return this;
  }

  /** The result's outcome, the "status" of the JSON. */
  Launch<R> outcome(Function<R, Object> outcome) {
    this.outcome = outcome;
    return this;
  }

  Launch<R> exitCode(ToIntFunction<R> exitCode) {
    this.exitCode = exitCode;
    return this;
  }

  int run(TemporalOptions temporal, CommandSpec spec, boolean json) throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    try {
      WorkflowClient client = temporal.client();
      WorkflowStub stub = client.newUntypedWorkflowStub(workflowType, options.build());
      stub.start(request);
      if (detached) {
        if (json) {
          Output.json(out, detachedJson);
        } else {
          out.println(detachedText);
        }
        out.flush();
        return 0;
      }
      if (!json) {
        announcement.forEach(out::println);
        out.flush();
      }
      CompletableFuture<R> result = stub.getResultAsync(resultType);
      Watch<R> watching = watch.apply(client);
      R done;
      try {
        done = Following.untilDone(result, interval, watching::poll);
      } catch (WorkflowFailedException failed) {
        watching.failed(failed);
        return Failures.print(spec.commandLine().getErr(), out, json, id, failed);
      }
      if (json) {
        Output.json(out, Map.of("workflowId", id, "status", outcome.apply(done), "result", done));
      } else {
        watching.report(done);
      }
      return exitCode.applyAsInt(done);
    } finally {
      temporal.close();
    }
  }
}
