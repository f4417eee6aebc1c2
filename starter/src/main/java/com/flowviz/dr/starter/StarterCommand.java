package com.flowviz.dr.starter;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code flowviz-dr}: the operator's command line for the disaster-recovery workflows. */
@Command(
    name = "flowviz-dr",
    mixinStandardHelpOptions = true,
    version = "flowviz-dr 0.1.0",
    description =
        "Start and follow FlowViz disaster-recovery procedures (runbook section 4) on Temporal.",
    subcommands = {
      ListCommand.class,
      BackupCommand.class,
      TakeBaseBackupCommand.class,
      RestoreToPointInTimeCommand.class,
      RestoreCommand.class,
      RestoreWeeklyCommand.class,
      RestoreNewInstanceCommand.class,
      TeardownInstanceCommand.class,
      FailoverCommand.class,
      DecisionCommands.Approve.class,
      DecisionCommands.Reject.class,
      StatusCommand.class,
      WatchCommand.class,
      RecoveriesCommand.class,
      SignalCommands.Retrieved.class,
      SignalCommands.Cancel.class,
      RetentionCommand.class,
      IncidentCommand.class,
      IncidentCommands.Choose.class,
      IncidentCommands.Acknowledge.class,
      IncidentCommands.Tasks.class,
      IncidentCommands.Report.class,
      IncidentCommands.VerifyAudit.class,
      DrillCommands.Drill.class,
      DrillCommands.Drills.class,
      DrillCommands.MonitorFreshness.class
    })
public class StarterCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /**
   * Runs one command line; returns the exit code: 0 done, 1 failed or cancelled, 2 bad usage, 3
   * restored (or switched) but the application is unhealthy, 4 the bucket's retention does not
   * comply, 5 a failover ended at a gate (rejected or no decision in time) or an incident was
   * closed without recovery, 6 the audit trail's hash chain is broken, 7 a base backup was taken
   * but the archive's expiry failed.
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new StarterCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (e, cl, parsed) -> {
          cl.getErr().println("flowviz-dr: " + explain(e));
          cl.getErr().flush();
          return 1;
        });
    return commandLine.execute(args);
  }

  /** The most useful words about an unexpected failure: gRPC status first, else the root cause. */
  static String explain(Throwable e) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException status) {
        if (status.getStatus().getCode() == Status.Code.UNAVAILABLE
            || status.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
          return "cannot reach the Temporal service ("
              + status.getStatus().getCode()
              + "). Is it running? Set"
              + " --address or TEMPORAL_ADDRESS (default 127.0.0.1:7233).";
        }
        return status.getStatus().getCode() + ": " + status.getStatus().getDescription();
      }
      root = t;
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
