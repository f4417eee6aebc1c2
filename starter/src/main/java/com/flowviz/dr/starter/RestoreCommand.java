package com.flowviz.dr.starter;

import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.procedures.Procedures;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
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
    name = "restore",
    description = {
      "Runbook 4.1: restore a daily backup. The backup is restored into a staging database and"
          + " verified;",
      "only then is it swapped in for the live database, which is kept under a dated name."
    })
class RestoreCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Option(
      names = "--backup",
      defaultValue = "latest",
      description = "object key, or latest (default)")
  String backup;

  @Option(
      names = "--before",
      description = "with latest: the newest backup taken before this ISO-8601 instant")
  String before;

  @Option(names = "--prefix", description = "where latest looks (default: daily/)")
  String prefix;

  @Option(names = "--bucket", description = "default: flowviz-backups")
  String bucket;

  @Option(
      names = "--target",
      defaultValue = "flowviz",
      description = "the live database to replace (default: flowviz)")
  String target;

  @Option(
      names = "--source-database",
      description =
          "whose backups latest chooses among, and the database their manifest must"
              + " name (default: the target); to restore one database's backup into another")
  String sourceDatabase;

  @Option(
      names = "--server",
      description =
          "the server to restore into, by name: production (default), instance:<name> (one"
              + " flowviz-dr provisioned) or stack:<workspace> (one it applied); the worker decides"
              + " where it is and its secret")
  String server;

  @Option(
      names = "--operator",
      description = "who runs the restore, for the audit trail (default: $USER)")
  String operator;

  @Option(names = "--reason", description = "why, for the audit trail")
  String reason;

  @Option(
      names = "--incident-at",
      description = "ISO-8601 instant of the incident, for the RPO gap")
  String incidentAt;

  @Option(
      names = "--keep-staging-on-failure",
      description = "keep the staging database when verification fails")
  boolean keepStagingOnFailure;

  @Option(
      names = "--wait-for-lease",
      description =
          "ISO-8601 duration (e.g. PT1H): when another procedure is changing the target,"
              + " wait up to this long for it instead of being refused at once")
  String waitForLease;

  @Option(
      names = "--accept-unsigned",
      description =
          "when the worker has trusted signer keys, restore a backup that carries no signature"
              + " (made by hand, or before signing existed); needs --reason (or --unsigned-reason),"
              + " kept in the audit trail")
  boolean acceptUnsigned;

  @Option(
      names = "--unsigned-reason",
      description =
          "with --accept-unsigned: why this unsigned backup may be restored (default: --reason)")
  String unsignedReason;

  @Option(names = "--workflow-id", description = "default: restore-<target>-<UTC time>")
  String workflowId;

  @Option(names = "--no-follow", description = "start and return; follow later with `status`")
  boolean noFollow;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    String id =
        workflowId != null ? workflowId : "restore-" + target + "-" + Ids.stamp(Instant.now());
    RestoreRequest request =
        new RestoreRequest(
                backup,
                before,
                prefix,
                bucket,
                target,
                Ids.operator(operator),
                reason,
                incidentAt,
                keepStagingOnFailure ? Boolean.TRUE : null,
                null,
                server == null ? null : PgServer.named(server),
                null,
                null,
                null,
                null,
                waitForLease,
                sourceDatabase)
            .acceptingUnsigned(
                acceptUnsigned ? Boolean.TRUE : null,
                acceptUnsigned ? (unsignedReason != null ? unsignedReason : reason) : null);
    try {
      WorkflowClient client = temporal.client();
      WorkflowStub stub =
          client.newUntypedWorkflowStub(
              Procedures.RESTORE_FROM_BACKUP.typeName(),
              WorkflowOptions.newBuilder()
                  .setTaskQueue(TaskQueues.DR)
                  .setWorkflowId(id)
                  .setStaticSummary("Restore " + backup + " into " + target)
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
          out.println("Started restore " + id + ". Follow it with: flowviz-dr status " + id);
        }
        out.flush();
        return 0;
      }
      if (!json) {
        out.println(
            "Restore "
                + id
                + " started: backup "
                + backup
                + (before == null ? "" : " before " + before)
                + " into "
                + target);
        out.flush();
      }
      CompletableFuture<RestoreResult> result = stub.getResultAsync(RestoreResult.class);
      ProgressPrinter progress = new ProgressPrinter(out, !json);
      RestoreFromBackupWorkflow typed = client.newWorkflowStub(RestoreFromBackupWorkflow.class, id);
      RestoreResult restored;
      try {
        restored = Following.untilDone(result, Duration.ofMillis(500), () -> progress.poll(typed));
      } catch (WorkflowFailedException failed) {
        progress.poll(typed);
        return Failures.print(spec.commandLine().getErr(), out, json, id, failed);
      }
      progress.finish(restored.steps());
      if (json) {
        Output.json(
            out, Map.of("workflowId", id, "status", restored.outcome(), "result", restored));
      } else {
        ResultPrinter.print(out, id, restored);
      }
      return RestoreResult.RESTORED.equals(restored.outcome()) ? 0 : 3;
    } finally {
      temporal.close();
    }
  }
}
