package com.flowviz.dr.starter;

import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.catalog.ListBackupsRequest;
import com.flowviz.dr.workflows.catalog.ListBackupsWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
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

  @Option(names = "--bucket", description = "default: flowviz-backups")
  String bucket;

  @Option(names = "--prefix", description = "default: daily/")
  String prefix;

  @Option(names = "--limit", defaultValue = "10")
  int limit;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      ListBackupsWorkflow workflow =
          temporal
              .client()
              .newWorkflowStub(
                  ListBackupsWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue(TaskQueues.DR)
                      .setWorkflowId("list-backups-" + UUID.randomUUID())
                      .build());
      List<BackupObject> backups =
          workflow.list(
              ListBackupsRequest.builder().bucket(bucket).prefix(prefix).limit(limit).build());
      if (json) {
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
      return Failures.print(spec.commandLine().getErr(), out, json, null, e);
    } finally {
      temporal.close();
    }
  }
}
