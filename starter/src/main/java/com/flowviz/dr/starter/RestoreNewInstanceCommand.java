package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.newinstance.NewInstanceProgress;
import com.flowviz.dr.workflows.newinstance.NewInstanceRequest;
import com.flowviz.dr.workflows.newinstance.NewInstanceResult;
import com.flowviz.dr.workflows.newinstance.RestoreToNewInstanceWorkflow;
import com.flowviz.dr.workflows.procedures.Procedures;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
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

  @Mixin BackupChoiceOptions choice;
  @Mixin BucketOption bucket;

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

  @Mixin OperatorOption operator;
  @Mixin UnsignedBackupOptions unsigned;

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

  @Mixin JsonOption output;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    boolean json = output.json;
    String backup = choice.backup;
    String id =
        workflowId != null ? workflowId : "restore-new-instance-" + Ids.stamp(Instant.now());
    NewInstanceRequest request =
        NewInstanceRequest.builder()
            .backupKey(backup)
            .restorePointBefore(choice.before)
            .bucket(bucket.bucket)
            .instanceName(instanceName)
            .region(region)
            .databaseName(database)
            .operator(operator.operator())
            .reason(reason)
            .keepOnFailure(keepOnFailure ? Boolean.TRUE : null)
            .readinessTimeout(readinessTimeout)
            .acceptUnsigned(unsigned.accepted())
            .unsignedReason(unsigned.reason(reason))
            .sourceDatabase(sourceDatabase)
            .build();
    return Launch.of(Procedures.RESTORE_TO_NEW_INSTANCE.typeName(), NewInstanceResult.class, id)
        .request(request)
        .summary("Restore " + backup + " to a new instance")
        .announce("Restore to a new instance " + id + " started: backup " + backup)
        .every(Duration.ofMillis(500))
        .watch(
            client -> {
              ProgressPrinter steps = new ProgressPrinter(out, !json);
              ChildRestorePrinter child = new ChildRestorePrinter(client, out);
              RestoreToNewInstanceWorkflow typed =
                  client.newWorkflowStub(RestoreToNewInstanceWorkflow.class, id);
              return new Launch.Watch<>() {
                @Override
                public void poll() {
                  if (!json) {
                    NewInstanceProgress progress = typed.progress();
                    steps.finish(progress.steps());
                    child.poll(progress.restoreWorkflowId());
                  }
                }

                @Override
                public void report(NewInstanceResult done) {
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
              };
            })
        .outcome(NewInstanceResult::outcome)
        .exitCode(done -> RestoreResult.RESTORED.equals(done.outcome()) ? 0 : 3)
        .run(temporal, spec, json);
  }
}
