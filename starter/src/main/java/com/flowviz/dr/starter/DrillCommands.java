package com.flowviz.dr.starter;

import com.flowviz.dr.activities.drill.DrillReport;
import com.flowviz.dr.activities.drill.DrillStep;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.drill.DrillHistory;
import com.flowviz.dr.workflows.drill.DrillHistoryRequest;
import com.flowviz.dr.workflows.drill.DrillProgress;
import com.flowviz.dr.workflows.drill.DrillRequest;
import com.flowviz.dr.workflows.drill.ListDrillsWorkflow;
import com.flowviz.dr.workflows.drill.RecoveryDrillWorkflow;
import com.flowviz.dr.workflows.freshness.FreshnessMonitorRequest;
import com.flowviz.dr.workflows.freshness.LocationFreshness;
import com.flowviz.dr.workflows.freshness.MonitorBackupFreshnessWorkflow;
import com.flowviz.dr.workflows.procedures.Procedures;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Recovery drills and the backup freshness monitor. */
final class DrillCommands {
  private DrillCommands() {}

  @Command(
      name = "drill",
      description = {
        "Rehearse a restore: the newest daily backup (or --backup KEY, a weekly one too) onto a"
            + " scratch instance,",
        "verified, every step timed against the RTO, the backup's age against the RPO, the instance"
            + " torn down."
      })
  static class Drill implements Callable<Integer> {
    @Mixin TemporalOptions temporal;
    @Spec CommandSpec spec;

    @Option(
        names = "--backup",
        defaultValue = "latest",
        description = "object key, or latest (default)")
    String backup;

    @Option(names = "--prefix", description = "where latest looks: daily/ (default) or weekly/")
    String prefix;

    @Mixin BucketOption bucket;

    @Option(
        names = "--database",
        description = "the database created on the scratch instance (default flowviz)")
    String database;

    @Option(
        names = "--source-database",
        description =
            "whose backups latest chooses among, and the database their manifest must"
                + " name (default: --database)")
    String sourceDatabase;

    @Option(names = "--keep-scratch", description = "keep the scratch instance afterwards")
    boolean keepScratch;

    @Option(
        names = "--path",
        description =
            "dump (default: the pg_dump backups, runbook 4.1) or pitr (the physical archive: base"
                + " backup and WAL, recovered onto the scratch instance)")
    String path;

    @Option(
        names = "--target-time",
        description = "for --path pitr: the second to recover to (default: the newest WAL)")
    String targetTime;

    @Option(
        names = "--source-server",
        description = "for --path pitr: whose archive (default production)")
    String sourceServer;

    @Mixin OperatorOption operator;

    @Option(
        names = "--every",
        description =
            "a cron expression (UTC), e.g. '0 4 * * 6': the server starts the drill on that"
                + " schedule (for servers without Temporal Schedules, like the embedded dev"
                + " server); returns at once")
    String cron;

    @Option(names = "--workflow-id", description = "default: drill-<UTC time>")
    String workflowId;

    @Mixin JsonOption output;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      String id =
          workflowId != null
              ? workflowId
              : (cron != null ? "drill-scheduled" : "drill-" + Ids.stamp(Instant.now()));
      DrillRequest request =
          DrillRequest.builder()
              .backupKey(backup)
              .backupPrefix(prefix)
              .bucket(bucket.bucket)
              .databaseName(database)
              .keepScratch(keepScratch ? Boolean.TRUE : null)
              .operator(operator.operator())
              .reason(cron != null ? "scheduled drill (" + cron + ")" : null)
              .sourceDatabase(sourceDatabase)
              .path(path)
              .targetTime(targetTime)
              .sourceServer(sourceServer)
              .build();
      try {
        return Launch.of(Procedures.RECOVERY_DRILL.typeName(), DrillReport.class, id)
            .request(request)
            .summary("Recovery drill of " + backup + (cron == null ? "" : ", every " + cron))
            .options(
                options -> {
                  if (cron != null) {
                    options.setCronSchedule(cron);
                  }
                })
            .detached(
                cron != null,
                cron == null ? null : Map.of("workflowId", id, "cronSchedule", cron),
                "Recovery drill "
                    + id
                    + " scheduled: "
                    + cron
                    + " (UTC). `flowviz-dr cancel "
                    + id
                    + "` stops it.")
            .announce("Recovery drill " + id + " started: backup " + backup)
            .every(Duration.ofMillis(500))
            .watch(
                client -> {
                  ProgressPrinter steps = new ProgressPrinter(out, !output.json);
                  ChildRestorePrinter child = new ChildRestorePrinter(client, out);
                  RecoveryDrillWorkflow typed =
                      client.newWorkflowStub(RecoveryDrillWorkflow.class, id);
                  return new Launch.Watch<>() {
                    @Override
                    public void poll() {
                      if (!output.json) {
                        DrillProgress progress = typed.progress();
                        steps.finish(progress.steps());
                        child.poll(progress.restoreWorkflowId());
                      }
                    }

                    @Override
                    public void failed(WorkflowFailedException failed) {
                      DrillReport failedReport = reportOf(failed);
                      if (failedReport != null && !output.json) {
                        print(out, failedReport);
                      }
                    }

                    @Override
                    public void report(DrillReport report) {
                      out.println();
                      print(out, report);
                    }
                  };
                })
            .outcome(DrillReport::outcome)
            .run(temporal, spec, output.json);
      } catch (WorkflowExecutionAlreadyStarted e) {
        spec.commandLine()
            .getErr()
            .println("A drill " + id + " already exists; give another --workflow-id.");
        return 2;
      }
    }

    private static DrillReport reportOf(WorkflowFailedException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof ApplicationFailure a
            && "DrillFailed".equals(a.getType())
            && a.getDetails().getSize() > 0) {
          return a.getDetails().get(DrillReport.class);
        }
      }
      return null;
    }
  }

  static void print(PrintWriter out, DrillReport r) {
    out.println(
        "Drill "
            + r.drillId()
            + ": "
            + r.outcome()
            + (r.failure() == null ? "" : " (" + r.failure() + ")"));
    out.println(
        "Backup:  "
            + (r.backupUri() == null
                ? "-"
                : r.backupUri()
                    + ", "
                    + Output.duration(r.backupAge())
                    + " old at the start ("
                    + r.rpoVerdict()
                    + " of RPO 2 h / 24 h)"));
    out.println(
        "RTO:     "
            + (r.rto() == null
                ? "not reached"
                : Output.duration(r.rto())
                    + " from start to verified restore ("
                    + r.rtoVerdict()
                    + " of "
                    + Output.duration(r.rtoTarget())
                    + " / "
                    + Output.duration(r.rtoMaximum())
                    + ")"));
    out.println(
        "Verify:  "
            + (r.verificationPassed() == null
                ? "-"
                : r.verificationPassed() ? "passed" : "FAILED " + r.failedChecks()));
    out.println(
        "Scratch: "
            + r.scratchInstance()
            + (r.provisioner() == null ? "" : " (" + r.provisioner() + ")")
            + ", "
            + (r.scratchTornDown() ? "torn down" : "KEPT"));
    out.printf("%-45s %10s %12s %12s%n", "STEP", "TIME", "BYTES", "RATE");
    for (DrillStep s : r.steps()) {
      out.printf(
          "%-45s %10s %12s %12s%n",
          s.step(),
          Output.duration(s.duration()),
          s.bytes() == null ? "" : Output.bytes(s.bytes()),
          s.bytesPerSecond() == null ? "" : Output.bytes(Math.round(s.bytesPerSecond())) + "/s");
    }
    out.flush();
  }

  @Command(
      name = "drills",
      description = "The last drills with their RTO, and where the RTO is heading.")
  static class Drills implements Callable<Integer> {
    @Mixin TemporalOptions temporal;
    @Spec CommandSpec spec;

    @Option(names = "--last", defaultValue = "10", description = "how many drills (default 10)")
    int last;

    @Mixin JsonOption output;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        DrillHistory history =
            temporal
                .answering(ListDrillsWorkflow.class, "list-drills-")
                .list(DrillHistoryRequest.builder().limit(last).build());
        if (output.json) {
          Output.json(out, history);
          return 0;
        }
        if (history.drills().isEmpty()) {
          out.println("No drill has run yet: `flowviz-dr drill`.");
          out.flush();
          return 0;
        }
        // The path beside each RTO: a PITR drill's next to the dump path's.
        out.printf(
            "%-34s %-23s %-5s %-7s %10s %-14s %10s %s%n",
            "DRILL", "FINISHED", "PATH", "OUTCOME", "RTO", "RTO VERDICT", "DATA AGE", "SCRATCH");
        for (DrillReport r : history.drills()) {
          out.printf(
              "%-34s %-23s %-5s %-7s %10s %-14s %10s %s%n",
              r.drillId(),
              Output.time(r.finishedAt()),
              r.path() == null ? "dump" : r.path(),
              r.outcome(),
              Output.duration(r.rto()),
              r.rtoVerdict() == null ? "-" : r.rtoVerdict(),
              Output.duration(r.backupAge()),
              r.scratchTornDown() ? "removed" : "kept");
        }
        out.println();
        out.println("dump path: " + history.trend().statement());
        if (history.pitrTrend() != null && history.pitrTrend().drills() > 0) {
          out.println("pitr path: " + history.pitrTrend().statement());
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

  @Command(
      name = "monitor-freshness",
      description = {
        "Start the backup freshness monitor (once; a second call finds it running) or, with"
            + " --status, show what it knows."
      })
  static class MonitorFreshness implements Callable<Integer> {
    static final String WORKFLOW_ID = "backup-freshness-monitor";

    @Mixin TemporalOptions temporal;
    @Spec CommandSpec spec;

    @Option(
        names = "--location",
        description =
            "bucket/prefix[@region], repeatable (default: the runbook's daily prefixes, primary and"
                + " DR)")
    List<String> locations;

    @Option(names = "--interval", description = "ISO-8601 duration between checks (default PT10M)")
    String interval;

    @Option(names = "--status", description = "show the monitor's view of each location")
    boolean status;

    @Option(
        names = "--workflow-id",
        defaultValue = WORKFLOW_ID,
        description =
            "the monitor's id (a Temporal Schedule appends its start time: see `flowviz-dr"
                + " recoveries`)")
    String workflowId;

    @Mixin JsonOption output;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        WorkflowClient client = temporal.client();
        if (status) {
          List<LocationFreshness> view =
              client.newWorkflowStub(MonitorBackupFreshnessWorkflow.class, workflowId).status();
          if (output.json) {
            Output.json(out, view);
            return 0;
          }
          out.printf(
              "%-50s %-14s %12s %-23s %s%n", "LOCATION", "LEVEL", "AGE", "BREACH SINCE", "NEWEST");
          for (LocationFreshness l : view) {
            out.printf(
                "%-50s %-14s %12s %-23s %s%n",
                l.location(),
                l.level(),
                Output.duration(l.age()),
                Output.time(l.breachSince()),
                l.unreadableSince() != null
                    ? "UNREADABLE since " + Output.time(l.unreadableSince())
                    : l.newestKey() == null ? "-" : l.newestKey());
          }
          out.flush();
          return 0;
        }
        MonitorBackupFreshnessWorkflow monitor =
            client.newWorkflowStub(
                MonitorBackupFreshnessWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(TaskQueues.DR)
                    .setWorkflowId(workflowId)
                    .setWorkflowIdConflictPolicy(
                        WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                    .setStaticSummary("Backup freshness against the RPO")
                    .build());
        var execution =
            WorkflowClient.start(
                monitor::monitor,
                FreshnessMonitorRequest.builder()
                    .locations(locations)
                    .checkInterval(interval)
                    .operator(Ids.operator(null))
                    .build());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("workflowId", workflowId);
        body.put("runId", execution.getRunId());
        if (output.json) {
          Output.json(out, body);
        } else {
          out.println(
              "Backup freshness monitor "
                  + workflowId
                  + " is running; `flowviz-dr monitor-freshness --status` shows what it sees.");
          out.flush();
        }
        return 0;
      } finally {
        temporal.close();
      }
    }
  }
}
