package com.flowviz.dr.starter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Follows a running procedure live: its step (from the {@code progress} query), and for a transfer
 * under way its bytes, rate and ETA (from the heartbeat details of the activity doing it), as a
 * progress bar or, with {@code --json}, one JSON object per look.
 */
@Command(
    name = "watch",
    description = "Follow a running procedure live: step, bytes, rate and ETA, until it ends.")
class WatchCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "WORKFLOW_ID")
  String workflowId;

  @Option(names = "--json", description = "one JSON object per look, for scripts")
  boolean json;

  @Option(
      names = "--interval",
      defaultValue = "PT1S",
      description = "time between looks (ISO-8601, default ${DEFAULT-VALUE})")
  Duration interval;

  /** Activities whose heartbeat details are the bytes transferred so far. */
  static final Set<String> TRANSFERS = Set.of("DownloadAndDecryptBackup", "DownloadBackup");

  /** One look at the run. */
  record Snapshot(
      String status,
      String step,
      String activity,
      Long bytes,
      Long totalBytes,
      Long bytesPerSecond,
      Long etaSeconds) {}

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    WorkflowClient client = temporal.client();
    ProgressBar bar = null;
    String barStep = null;
    long lastBytes = -1;
    long lastAt = 0;
    while (true) {
      DescribeWorkflowExecutionResponse described =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .build());
      WorkflowExecutionStatus status = described.getWorkflowExecutionInfo().getStatus();
      JsonNode progress = progress(client);
      String step =
          progress == null
                  || progress.path("currentStep").isMissingNode()
                  || progress.path("currentStep").isNull()
              ? null
              : progress.path("currentStep").asText();
      Long total =
          progress != null && progress.path("backupSizeBytes").isNumber()
              ? progress.path("backupSizeBytes").asLong()
              : null;
      // Only the download activities heartbeat a byte count; others report other numbers (tables
      // counted...).
      PendingActivityInfo transfer =
          described.getPendingActivitiesList().stream()
              .filter(a -> TRANSFERS.contains(a.getActivityType().getName()))
              .filter(
                  a -> a.hasHeartbeatDetails() && a.getHeartbeatDetails().getPayloadsCount() > 0)
              .findFirst()
              .orElse(null);
      Long bytes = transfer == null ? null : bytes(client, transfer);
      Long rate = null;
      Long eta = null;
      long now = System.nanoTime();
      if (bytes != null && lastBytes >= 0 && bytes >= lastBytes && now > lastAt) {
        rate = (bytes - lastBytes) * 1_000_000_000L / (now - lastAt);
        eta = total != null && rate > 0 ? (total - bytes) / rate : null;
      }
      if (bytes != null) {
        lastBytes = bytes;
        lastAt = now;
      }
      String state = status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
      Snapshot snapshot =
          new Snapshot(
              state,
              step,
              transfer == null ? null : transfer.getActivityType().getName(),
              bytes,
              total,
              rate,
              eta);

      if (json) {
        try {
          out.println(
              Output.JSON
                  .writer()
                  .without(SerializationFeature.INDENT_OUTPUT)
                  .writeValueAsString(snapshot));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
        out.flush();
      } else {
        if (bar != null && (bytes == null || !Objects.equals(step, barStep))) {
          bar.close();
          out.println();
          bar = null;
        }
        if (bar == null && !Objects.equals(step, barStep) && step != null) {
          out.println("step: " + step);
          out.flush();
        }
        if (bar == null && bytes != null && total != null) {
          bar =
              new ProgressBarBuilder()
                  .setTaskName(step == null ? "transfer" : step)
                  .setInitialMax(total)
                  .setUnit(" MB", 1_000_000)
                  .setStyle(ProgressBarStyle.ASCII)
                  .showSpeed()
                  .setConsumer(
                      new DelegatingProgressBarConsumer(
                          line -> {
                            out.print("\r" + line);
                            out.flush();
                          },
                          100))
                  .build();
        }
        if (bar != null && bytes != null) {
          bar.stepTo(bytes);
        }
        barStep = step;
      }
      if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        if (bar != null) {
          bar.close();
          out.println();
        }
        if (!json) {
          out.println(workflowId + " " + state.toLowerCase());
          out.flush();
        }
        return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED ? 0 : 1;
      }
      Thread.sleep(interval.toMillis());
    }
  }

  private JsonNode progress(WorkflowClient client) {
    try {
      return client.newUntypedWorkflowStub(workflowId).query("progress", JsonNode.class);
    } catch (RuntimeException e) {
      return null; // a workflow type without a progress query, or one that has not started its
      // first task
    }
  }

  private static Long bytes(WorkflowClient client, PendingActivityInfo activity) {
    try {
      JsonNode details =
          client
              .getOptions()
              .getDataConverter()
              .fromPayloads(
                  0, Optional.of(activity.getHeartbeatDetails()), JsonNode.class, JsonNode.class);
      return details != null && details.isNumber() ? details.asLong() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
