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

  /**
   * One look at the run. {@code bytes}, {@code totalBytes} and {@code bytesPerSecond} count {@code
   * unit}s: bytes for transfers, segments for WAL replay.
   */
  record Snapshot(
      String status,
      String step,
      String activity,
      Long bytes,
      Long totalBytes,
      Long bytesPerSecond,
      Long etaSeconds,
      String unit,
      String detail) {}

  /** A heartbeat in the activities' progress shape (done of total, rate, ETA), or null. */
  private static JsonNode stepProgress(WorkflowClient client, PendingActivityInfo activity) {
    JsonNode details = details(client, activity);
    return details != null
            && details.isObject()
            && details.path("done").isNumber()
            && details.path("total").isNumber()
        ? details
        : null;
  }

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
      String step = currentStep(progress);
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
      String unit = bytes == null ? null : "bytes";
      String detail = null;
      long now = System.nanoTime();
      if (bytes != null && lastBytes >= 0 && bytes >= lastBytes && now > lastAt) {
        rate = (bytes - lastBytes) * 1_000_000_000L / (now - lastAt);
        eta = total != null && rate > 0 ? (total - bytes) / rate : null;
      }
      if (bytes != null) {
        lastBytes = bytes;
        lastAt = now;
      }
      if (transfer == null) {
        // Any other long step that heartbeats done of total (a base backup's extraction, WAL
        // replay, pg_restore) carries its own rate and ETA.
        for (PendingActivityInfo pending : described.getPendingActivitiesList()) {
          JsonNode measured = stepProgress(client, pending);
          if (measured != null) {
            transfer = pending;
            bytes = measured.path("done").asLong();
            total = measured.path("total").asLong() > 0 ? measured.path("total").asLong() : null;
            rate =
                measured.path("perSecond").isNumber() ? measured.path("perSecond").asLong() : null;
            eta =
                measured.path("etaSeconds").isNumber()
                    ? measured.path("etaSeconds").asLong()
                    : null;
            unit = measured.path("unit").asText("bytes");
            detail = measured.path("detail").isTextual() ? measured.path("detail").asText() : null;
            break;
          }
        }
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
              eta,
              unit,
              detail);

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
          boolean inBytes = "bytes".equals(unit);
          bar =
              new ProgressBarBuilder()
                  .setTaskName(step == null ? "transfer" : step)
                  .setInitialMax(total)
                  .setUnit(inBytes ? " MB" : " " + unit, inBytes ? 1_000_000 : 1)
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
          if (detail != null) {
            bar.setExtraMessage(" " + detail);
          }
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

  /**
   * The step in progress: the procedure's {@code currentStep}, or, for a procedure whose progress
   * is its list of steps, the last one still running.
   */
  static String currentStep(JsonNode progress) {
    if (progress == null) {
      return null;
    }
    if (progress.isArray()) {
      String running = null;
      for (JsonNode step : progress) {
        if ("RUNNING".equals(step.path("outcome").asText())) {
          running = step.path("step").asText();
        }
      }
      return running;
    }
    JsonNode current = progress.path("currentStep");
    return current.isMissingNode() || current.isNull() ? null : current.asText();
  }

  private static Long bytes(WorkflowClient client, PendingActivityInfo activity) {
    JsonNode details = details(client, activity);
    return details != null && details.isNumber() ? details.asLong() : null;
  }

  private static JsonNode details(WorkflowClient client, PendingActivityInfo activity) {
    if (!activity.hasHeartbeatDetails() || activity.getHeartbeatDetails().getPayloadsCount() == 0) {
      return null;
    }
    try {
      return client
          .getOptions()
          .getDataConverter()
          .fromPayloads(
              0, Optional.of(activity.getHeartbeatDetails()), JsonNode.class, JsonNode.class);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
