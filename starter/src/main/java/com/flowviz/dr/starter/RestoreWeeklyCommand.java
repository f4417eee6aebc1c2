package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflow;
import com.flowviz.dr.workflows.archive.WeeklyRestoreRequest;
import com.flowviz.dr.workflows.archive.WeeklyRestoreResult;
import com.flowviz.dr.workflows.procedures.Procedures;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowFailedException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
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

  @Mixin BucketOption bucket;

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

  @Mixin OperatorOption operator;
  @Mixin UnsignedBackupOptions unsigned;

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

  @Mixin StartOptions start;

  @Mixin JsonOption output;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    boolean json = output.json;
    String id = start.workflowId("restore-weekly");
    WeeklyRestoreRequest request =
        WeeklyRestoreRequest.builder()
            .backupKey(backup)
            .restorePointBefore(before)
            .backupPrefix(prefix)
            .bucket(bucket.bucket)
            .retrievalTier(tier)
            .retrievalDays(days)
            .targetDatabase(target)
            .replaceProduction(replaceProduction ? Boolean.TRUE : null)
            .productionDatabase(productionDatabase)
            .operator(operator.operator())
            .reason(reason)
            .pollInterval(pollInterval)
            .maxWait(maxWait)
            .acceptUnsigned(unsigned.accepted())
            .unsignedReason(unsigned.reason(reason))
            .build();
    return Launch.of(
            Procedures.RESTORE_FROM_WEEKLY_BACKUP.typeName(), WeeklyRestoreResult.class, id)
        .request(request)
        .summary(
            "Weekly restore "
                + backup
                + (target == null ? " into an audit database" : " into " + target))
        .details(request.operator(), reason)
        .noFollow(
            start.noFollow,
            "Started weekly restore " + id + ". Follow it with: flowviz-dr status " + id)
        .announce(
            "Weekly restore " + id + " started: backup " + backup,
            "  (the wait for a Deep Archive retrieval can take up to 48 hours; Ctrl-C stops"
                + " following, not the restore)")
        .watch(
            client -> {
              WeeklyProgressPrinter progress = new WeeklyProgressPrinter(client, out, !json);
              RestoreFromWeeklyBackupWorkflow typed =
                  client.newWorkflowStub(RestoreFromWeeklyBackupWorkflow.class, id);
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
                public void report(WeeklyRestoreResult restored) {
                  progress.finish(restored);
                  WeeklyProgressPrinter.printResult(out, id, restored);
                }
              };
            })
        .outcome(restored -> restored.restore().outcome())
        .exitCode(restored -> RestoreResult.RESTORED.equals(restored.restore().outcome()) ? 0 : 3)
        .run(temporal, spec, json);
  }
}
