package com.flowviz.dr.starter;

import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.workflows.procedures.Procedures;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowFailedException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
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

  @Mixin BackupChoiceOptions choice;

  @Option(names = "--prefix", description = "where latest looks (default: daily/)")
  String prefix;

  @Mixin BucketOption bucket;

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

  @Mixin StartOptions start;

  @Mixin JsonOption output;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    boolean json = output.json;
    String backup = choice.backup;
    String before = choice.before;
    String id = start.workflowId("restore-" + target);
    RestoreRequest request =
        RestoreRequest.builder()
            .backupKey(backup)
            .restorePointBefore(before)
            .backupPrefix(prefix)
            .bucket(bucket.bucket)
            .targetDatabase(target)
            .operator(Ids.operator(operator))
            .reason(reason)
            .incidentAt(incidentAt)
            .keepStagingOnFailure(keepStagingOnFailure ? Boolean.TRUE : null)
            .targetServer(server == null ? null : PgServer.named(server))
            .waitForLease(waitForLease)
            .sourceDatabase(sourceDatabase)
            .acceptUnsigned(acceptUnsigned ? Boolean.TRUE : null)
            .unsignedReason(
                acceptUnsigned ? (unsignedReason != null ? unsignedReason : reason) : null)
            .build();
    return Launch.of(Procedures.RESTORE_FROM_BACKUP.typeName(), RestoreResult.class, id)
        .request(request)
        .summary("Restore " + backup + " into " + target)
        .details(request.operator(), reason)
        .noFollow(
            start.noFollow, "Started restore " + id + ". Follow it with: flowviz-dr status " + id)
        .announce(
            "Restore "
                + id
                + " started: backup "
                + backup
                + (before == null ? "" : " before " + before)
                + " into "
                + target)
        .every(Duration.ofMillis(500))
        .watch(
            client -> {
              ProgressPrinter progress = new ProgressPrinter(out, !json);
              RestoreFromBackupWorkflow typed =
                  client.newWorkflowStub(RestoreFromBackupWorkflow.class, id);
              return new Launch.Watch<>() {
                @Override
                public void poll() {
                  progress.poll(typed);
                }

                @Override
                public void failed(WorkflowFailedException failed) {
                  progress.poll(typed);
                }

                @Override
                public void report(RestoreResult restored) {
                  progress.finish(restored.steps());
                  ResultPrinter.print(out, id, restored);
                }
              };
            })
        .outcome(RestoreResult::outcome)
        .exitCode(restored -> RestoreResult.RESTORED.equals(restored.outcome()) ? 0 : 3)
        .run(temporal, spec, json);
  }
}
