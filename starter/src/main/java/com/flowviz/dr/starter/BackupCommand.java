package com.flowviz.dr.starter;

import com.flowviz.dr.activities.storage.TableStats;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "backup",
    description = "Take a daily backup now: pg_dump -Fc, OpenPGP-encrypted, with a manifest.")
class BackupCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Option(names = "--database", defaultValue = "flowviz")
  String database;

  @Mixin BucketOption bucket;

  @Mixin OperatorOption operator;

  @Option(names = "--reason")
  String reason;

  @Option(
      names = "--kind",
      defaultValue = "daily",
      description = "daily (default) or weekly (kept 7 years, Deep Archive)")
  String kind;

  @Option(
      names = "--storage-class",
      description = "S3 storage class (default: STANDARD daily, DEEP_ARCHIVE weekly)")
  String storageClass;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String workflowId = "backup-" + kind + "-" + database + "-" + Ids.stamp(Instant.now());
    try {
      BackupWorkflow workflow =
          temporal
              .client()
              .newWorkflowStub(
                  BackupWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue(TaskQueues.DR)
                      .setWorkflowId(workflowId)
                      .build());
      if (!output.json) {
        out.println("Backing up " + database + " (workflow " + workflowId + ") ...");
        out.flush();
      }
      BackupResult result =
          workflow.backup(
              BackupRequest.builder()
                  .sourceDatabase(database)
                  .bucket(bucket.bucket)
                  .operator(operator.operator())
                  .reason(reason)
                  .kind(kind)
                  .storageClass(storageClass)
                  .build());
      if (output.json) {
        Output.json(out, result);
        return 0;
      }
      out.println(
          "Backup stored: s3://"
              + result.bucket()
              + "/"
              + result.key()
              + " ("
              + result.storageClass()
              + ")");
      out.println("  manifest:   " + result.manifestKey());
      out.println(
          "  dump:       "
              + Output.bytes(result.manifest().dumpBytes())
              + " (pg_dump "
              + result.manifest().pgDumpVersion()
              + ")");
      out.println(
          "  encrypted:  "
              + Output.bytes(result.manifest().encryptedBytes())
              + ", SHA-256 "
              + result.manifest().sha256());
      out.println("  took:       " + Output.duration(result.elapsed()));
      for (TableStats t : result.manifest().tables()) {
        out.printf(
            "  %-20s %10d rows   newest %s%n",
            t.table(), t.rows(), Output.time(t.newestCreatedAt()));
      }
      if (result.retention() != null) {
        out.println(
            "  retention:  "
                + (result.retention().compliant()
                    ? "the bucket keeps weekly backups as runbook section 7 requires"
                    : "NOT COMPLIANT with runbook section 7; run `flowviz-dr retention` for the"
                        + " findings"));
      }
      out.flush();
      return 0;
    } catch (WorkflowFailedException e) {
      return Failures.print(spec.commandLine().getErr(), out, output.json, workflowId, e);
    } finally {
      temporal.close();
    }
  }
}
