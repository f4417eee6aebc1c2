package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.newinstance.NewInstanceProgress;
import com.flowviz.dr.workflows.newinstance.NewInstanceRequest;
import com.flowviz.dr.workflows.newinstance.NewInstanceResult;
import com.flowviz.dr.workflows.newinstance.RestoreToNewInstanceWorkflow;
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
    name = "restore-new-instance",
    description = {
      "Runbook 4.3: provision a new PostgreSQL instance (as the worker is configured: docker,"
          + " terraform or local),",
      "restore the backup into it, point the application at it, restart and test it."
    })
class RestoreNewInstanceCommand implements Callable<Integer> {

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

  @Option(names = "--bucket", description = "default: flowviz-backups")
  String bucket;

  @Option(names = "--instance-name", description = "default: flowviz-db-<hash of the workflow id>")
  String instanceName;

  @Option(names = "--region")
  String region;

  @Option(names = "--database", defaultValue = "flowviz")
  String database;

  @Option(
      names = "--source-database",
      description =
          "whose backups latest chooses among, and the database their manifest must"
              + " name (default: --database)")
  String sourceDatabase;

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
      names = "--keep-on-failure",
      description = "keep the new instance for inspection when the restore fails")
  boolean keepOnFailure;

  @Option(
      names = "--readiness-timeout",
      description = "ISO-8601 duration the new server has to accept connections (default PT5M)")
  String readinessTimeout;

  @Option(names = "--workflow-id", description = "default: restore-new-instance-<UTC time>")
  String workflowId;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    String id =
        workflowId != null ? workflowId : "restore-new-instance-" + Ids.stamp(Instant.now());
    NewInstanceRequest request =
        NewInstanceRequest.builder()
            .backupKey(backup)
            .restorePointBefore(before)
            .bucket(bucket)
            .instanceName(instanceName)
            .region(region)
            .databaseName(database)
            .operator(Ids.operator(operator))
            .reason(reason)
            .keepOnFailure(keepOnFailure ? Boolean.TRUE : null)
            .readinessTimeout(readinessTimeout)
            .acceptUnsigned(acceptUnsigned ? Boolean.TRUE : null)
            .unsignedReason(
                acceptUnsigned ? (unsignedReason != null ? unsignedReason : reason) : null)
            .sourceDatabase(sourceDatabase)
            .build();
    try {
      WorkflowClient client = temporal.client();
      WorkflowStub stub =
          client.newUntypedWorkflowStub(
              Procedures.RESTORE_TO_NEW_INSTANCE.typeName(),
              WorkflowOptions.newBuilder()
                  .setTaskQueue(TaskQueues.DR)
                  .setWorkflowId(id)
                  .setStaticSummary("Restore " + backup + " to a new instance")
                  .build());
      stub.start(request);
      if (!json) {
        out.println("Restore to a new instance " + id + " started: backup " + backup);
        out.flush();
      }
      CompletableFuture<NewInstanceResult> result = stub.getResultAsync(NewInstanceResult.class);
      ProgressPrinter steps = new ProgressPrinter(out, !json);
      ChildRestorePrinter child = new ChildRestorePrinter(client, out);
      RestoreToNewInstanceWorkflow typed =
          client.newWorkflowStub(RestoreToNewInstanceWorkflow.class, id);
      NewInstanceResult done;
      try {
        done =
            Following.untilDone(
                result,
                Duration.ofMillis(500),
                () -> {
                  if (!json) {
                    NewInstanceProgress progress = typed.progress();
                    steps.finish(progress.steps());
                    child.poll(progress.restoreWorkflowId());
                  }
                });
      } catch (WorkflowFailedException failed) {
        return Failures.print(spec.commandLine().getErr(), out, json, id, failed);
      }
      if (json) {
        Output.json(out, Map.of("workflowId", id, "status", done.outcome(), "result", done));
      } else {
        steps.finish(done.steps());
        out.println();
        out.println(
            "New instance: "
                + done.instance().name()
                + " ("
                + done.instance().provisioner()
                + ") at "
                + done.instance().server().describe()
                + ", PostgreSQL "
                + done.server().version()
                + "; its admin password is in secret "
                + done.instance().server().passwordSecret()
                + "; name it --server instance:"
                + done.instance().name()
                + " in later restores");
        out.println(
            "Application:  "
                + (done.published().configured()
                    ? "repointed via " + done.published().locations()
                    : "NOT repointed: no publisher configured")
                + "; restart "
                + (done.restart().configured()
                    ? "exit " + done.restart().exitCode()
                    : "not configured")
                + "; connectivity "
                + (!done.connectivity().configured()
                    ? "not configured"
                    : done.connectivity().healthy() ? "healthy" : "UNHEALTHY"));
        ResultPrinter.print(out, id + "-restore", done.restore());
      }
      return RestoreResult.RESTORED.equals(done.outcome()) ? 0 : 3;
    } finally {
      temporal.close();
    }
  }
}
