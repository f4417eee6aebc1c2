package com.flowviz.dr.starter;

import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.workflows.catalog.ListBackupsRequest;
import com.flowviz.dr.workflows.catalog.ListBackupsWorkflow;
import io.temporal.client.WorkflowFailedException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", description = "List backups, newest first (runbook 4.1 step 1).")
class ListCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Mixin BucketOption bucket;

  @Option(names = "--prefix", description = "default: daily/")
  String prefix;

  @Option(names = "--limit", defaultValue = "10")
  int limit;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      ListBackupsWorkflow workflow = temporal.answering(ListBackupsWorkflow.class, "list-backups-");
      List<BackupObject> backups =
          workflow.list(
              ListBackupsRequest.builder()
                  .bucket(bucket.bucket)
                  .prefix(prefix)
                  .limit(limit)
                  .build());
      if (output.json) {
        Output.json(out, backups);
        return 0;
      }
      if (backups.isEmpty()) {
        out.println("No backups found.");
        return 0;
      }
      out.printf("%-60s %-23s %10s  %s%n", "KEY", "TAKEN", "SIZE", "STORAGE CLASS");
      for (BackupObject b : backups) {
        out.printf(
            "%-60s %-23s %10s  %s%n",
            b.key(), Output.time(b.takenAt()), Output.bytes(b.sizeBytes()), b.storageClass());
      }
      out.flush();
      return 0;
    } catch (WorkflowFailedException e) {
      return Failures.print(spec.commandLine().getErr(), out, output.json, null, e);
    } finally {
      temporal.close();
    }
  }
}
