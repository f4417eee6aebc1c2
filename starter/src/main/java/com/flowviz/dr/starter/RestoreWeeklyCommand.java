package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflow;
import com.flowviz.dr.workflows.archive.WeeklyRestoreRequest;
import com.flowviz.dr.workflows.archive.WeeklyRestoreResult;
import com.flowviz.dr.workflows.procedures.Procedures;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "restore-weekly",
    description = {
      "Runbook 4.2: restore a weekly backup, retrieving it from Glacier or Deep Archive first when"
          + " needed.",
      "By default it lands in a dated audit database (flowviz_audit_YYYYMMDD), never over"
          + " production."
    })
class RestoreWeeklyCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Option(
      names = "--backup",
      defaultValue = "latest",
      description = "object key, or latest (default) under weekly/")
  String backup;

  @Option(
      names = "--before",
      description = "with latest: the newest weekly backup taken before this ISO-8601 instant")
  String before;

  @Option(names = "--prefix", description = "where latest looks (default: weekly/)")
  String prefix;

  @Option(names = "--bucket", description = "default: flowviz-backups")
  String bucket;

  @Option(
      names = "--tier",
      description = "retrieval tier: Standard (default), Bulk, Expedited (not for Deep Archive)")
  String tier;

  @Option(names = "--days", description = "how long the retrieved copy stays readable (default 7)")
  Integer days;

  @Option(names = "--target", description = "default: <production>_audit_<backup date>")
  String target;

  @Option(names = "--replace-production", description = "restore over the production database")
  boolean replaceProduction;

  @Option(names = "--production-database", description = "default: flowviz")
  String productionDatabase;

  @Option(names = "--operator", description = "default: $USER")
  String operator;

  @Option(
      names = "--accept-unsigned",
      description =
          "when the worker has trusted signer keys, restore a backup that carries no signature"
              + " (made by hand); needs --reason (or --unsigned-reason), kept in the audit trail")
  boolean acceptUnsigned;

  @Option(
      names = "--unsigned-reason",
      description =
          "with --accept-unsigned: why this unsigned backup may be restored (default: --reason)")
  String unsignedReason;

  @Option(names = "--reason")
  String reason;

  @Option(
      names = "--poll-interval",
      description = "ISO-8601 duration between looks at the retrieval (default by tier)")
  String pollInterval;

  @Option(
      names = "--max-wait",
      description =
          "ISO-8601 duration after which the wait gives up (default: 3x the tier's promise)")
  String maxWait;

  @Option(names = "--workflow-id", description = "default: restore-weekly-<UTC time>")
  String workflowId;

  @Option(names = "--no-follow", description = "start and return; follow later with `status`")
  boolean noFollow;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    String id = workflowId != null ? workflowId : "restore-weekly-" + Ids.stamp(Instant.now());
    WeeklyRestoreRequest request =
        WeeklyRestoreRequest.builder()
            .backupKey(backup)
            .restorePointBefore(before)
            .backupPrefix(prefix)
            .bucket(bucket)
            .retrievalTier(tier)
            .retrievalDays(days)
            .targetDatabase(target)
            .replaceProduction(replaceProduction ? Boolean.TRUE : null)
            .productionDatabase(productionDatabase)
            .operator(Ids.operator(operator))
            .reason(reason)
            .pollInterval(pollInterval)
            .maxWait(maxWait)
            .acceptUnsigned(acceptUnsigned ? Boolean.TRUE : null)
            .unsignedReason(
                acceptUnsigned ? (unsignedReason != null ? unsignedReason : reason) : null)
            .build();
    try {
      WorkflowClient client = temporal.client();
      WorkflowStub stub =
          client.newUntypedWorkflowStub(
              Procedures.RESTORE_FROM_WEEKLY_BACKUP.typeName(),
              WorkflowOptions.newBuilder()
                  .setTaskQueue(TaskQueues.DR)
                  .setWorkflowId(id)
                  .setStaticSummary(
                      "Weekly restore "
                          + backup
                          + (target == null ? " into an audit database" : " into " + target))
                  .setStaticDetails(
                      "Operator: "
                          + request.operator()
                          + (reason == null ? "" : "\nReason: " + reason))
                  .build());
      stub.start(request);
      if (noFollow) {
        if (json) {
          Output.json(out, Map.of("workflowId", id, "status", "STARTED"));
        } else {
          out.println("Started weekly restore " + id + ". Follow it with: flowviz-dr status " + id);
        }
        out.flush();
        return 0;
      }
      if (!json) {
        out.println("Weekly restore " + id + " started: backup " + backup);
        out.println(
            "  (the wait for a Deep Archive retrieval can take up to 48 hours; Ctrl-C stops"
                + " following, not the restore)");
        out.flush();
      }
      CompletableFuture<WeeklyRestoreResult> result =
          stub.getResultAsync(WeeklyRestoreResult.class);
      WeeklyProgressPrinter progress = new WeeklyProgressPrinter(client, out, !json);
      RestoreFromWeeklyBackupWorkflow typed =
          client.newWorkflowStub(RestoreFromWeeklyBackupWorkflow.class, id);
      WeeklyRestoreResult restored;
      try {
        restored = Following.untilDone(result, Duration.ofSeconds(1), () -> progress.poll(typed));
      } catch (WorkflowFailedException failed) {
        progress.poll(typed);
        return Failures.print(spec.commandLine().getErr(), out, json, id, failed);
      }
      if (json) {
        Output.json(
            out,
            Map.of("workflowId", id, "status", restored.restore().outcome(), "result", restored));
      } else {
        progress.finish(restored);
        WeeklyProgressPrinter.printResult(out, id, restored);
      }
      return RestoreResult.RESTORED.equals(restored.restore().outcome()) ? 0 : 3;
    } finally {
      temporal.close();
    }
  }
}
