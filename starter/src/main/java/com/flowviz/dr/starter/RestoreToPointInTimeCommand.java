package com.flowviz.dr.starter;

import com.flowviz.dr.activities.managed.ManagedSource;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeRequest;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeResult;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeWorkflow;
import com.flowviz.dr.workflows.procedures.Procedures;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "restore-pitr",
    description = {
      "Recover a self-managed cluster to a point in time onto a new local instance, from its",
      "physical archive (base backups and WAL in S3): the newest base backup before the target,",
      "its WAL spooled beside it, recovery to the target, promotion, runbook 5.1/5.2 on the",
      "recovered database; with --repoint, the application is pointed at it once a person",
      "approves (flowviz-dr approve ID --gate repoint). The server being recovered is never read."
    })
class RestoreToPointInTimeCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Option(names = "--instance", required = true, description = "the new instance's name")
  String instance;

  @Mixin BucketOption bucket;

  @Option(
      names = "--system-identifier",
      description = "the cluster whose archive is read (default: the bucket's only one)")
  String systemIdentifier;

  @ArgGroup(multiplicity = "1")
  Target target;

  static class Target {
    @Option(
        names = "--target-time",
        description = "ISO-8601 with a zone: commits up to it are kept (2026-12-03T06:12:00Z)")
    String time;

    @Option(names = "--target-lsn", description = "a WAL position (0/3000060)")
    String lsn;

    @Option(names = "--latest", description = "everything the archive holds")
    boolean latest;
  }

  @Option(
      names = "--exclusive",
      description = "stop just before a commit exactly at the target (default: keep it)")
  boolean exclusive;

  @Option(
      names = "--database",
      description = "the database 5.1/5.2 verify and the application uses (default flowviz)")
  String database;

  @Option(
      names = "--repoint",
      description = "once verified, point the application at the instance after approval")
  boolean repoint;

  @Option(
      names = "--into-live",
      description =
          "once verified, copy --database into the live one on --source-server after approval"
              + " (flowviz-dr approve ID --gate swap; runbook 2.1)")
  boolean intoLive;

  @Option(names = "--approval-timeout", description = "ISO-8601, default P1D")
  String approvalTimeout;

  @Option(
      names = "--source-server",
      description =
          "the registered server whose archive this is (default production): the copy keeps its"
              + " roles")
  String sourceServer;

  @ArgGroup(exclusive = true)
  Managed managed;

  /** The production database is managed: the service's own point-in-time restore. */
  static class Managed {
    @Option(
        names = "--rds-instance",
        description =
            "restore this RDS instance with RDS's own PITR, into a new one named --instance")
    String instance;

    @Option(
        names = "--aurora-cluster",
        description = "restore this Aurora cluster with its own PITR (a writer is added)")
    String cluster;
  }

  @Option(names = "--managed-region", description = "the RDS/Aurora region (default AWS_REGION)")
  String managedRegion;

  @Mixin OperatorOption operator;

  @Option(names = "--reason")
  String reason;

  @Mixin StartOptions start;

  @Mixin JsonOption output;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    String id = start.workflowId("restore-pitr-" + instance);
    RestoreToPointInTimeRequest request =
        RestoreToPointInTimeRequest.builder()
            .instance(instance)
            .bucket(bucket.bucket)
            .systemIdentifier(systemIdentifier)
            .targetTime(target.time)
            .targetLsn(target.lsn)
            .latest(target.latest ? Boolean.TRUE : null)
            .inclusive(!exclusive)
            .operator(operator.operator())
            .reason(reason)
            .databaseName(database)
            .repoint(repoint ? Boolean.TRUE : null)
            .approvalTimeout(approvalTimeout)
            .sourceServer(sourceServer)
            .intoLive(intoLive ? Boolean.TRUE : null)
            .managedSource(
                managed == null
                    ? null
                    : ManagedSource.builder()
                        .kind(
                            managed.instance != null
                                ? ManagedSource.INSTANCE
                                : ManagedSource.CLUSTER)
                        .identifier(managed.instance != null ? managed.instance : managed.cluster)
                        .region(managedRegion)
                        .build())
            .build();
    return Launch.of(
            Procedures.RESTORE_TO_POINT_IN_TIME.typeName(), RestoreToPointInTimeResult.class, id)
        .request(request)
        .summary("Point-in-time recovery onto " + instance)
        .details(request.operator(), reason)
        .noFollow(
            start.noFollow,
            "Started point-in-time recovery " + id + ". Follow it with: flowviz-dr status " + id)
        .announce("Point-in-time recovery " + id + " onto " + instance + " started ...")
        .watch(
            client -> {
              ProgressPrinter steps = new ProgressPrinter(out, !output.json);
              RestoreToPointInTimeWorkflow typed =
                  client.newWorkflowStub(RestoreToPointInTimeWorkflow.class, id);
              return new Launch.Watch<>() {
                @Override
                public void poll() {
                  steps.finish(typed.progress());
                }

                @Override
                public void report(RestoreToPointInTimeResult result) {
                  steps.finish(typed.progress());
                  print(out, result);
                }
              };
            })
        .outcome(r -> r.outcome() == null ? RestoreToPointInTimeResult.RECOVERED : r.outcome())
        // 3 as for 4.1 and 4.3: done, but not all that was asked (the application unhealthy after
        // the repoint, or a gate that did not approve).
        .exitCode(
            r ->
                RestoreResult.RESTORED_APPLICATION_UNHEALTHY.equals(r.outcome())
                        || ((repoint || intoLive)
                            && RestoreToPointInTimeResult.RECOVERED.equals(r.outcome()))
                    ? 3
                    : 0)
        .run(temporal, spec, output.json);
  }

  private static void print(PrintWriter out, RestoreToPointInTimeResult r) {
    if (r.managed() != null) {
      out.println(
          "Restored "
              + r.managedWindow().identifier()
              + " with the service's PITR as "
              + r.managed().identifier()
              + " ("
              + r.managed().kind()
              + "): "
              + r.managed().host()
              + ":"
              + r.managed().port());
      out.println(
          "  target:      " + r.target() + " (restored to " + r.managed().restoredTo() + ")");
      printVerificationAndRepoint(out, r);
      return;
    }
    out.println(
        "Recovered onto instance "
            + r.instance()
            + ": "
            + r.reached().host()
            + ":"
            + r.reached().port()
            + " (timeline "
            + r.reached().timeline()
            + ")");
    out.println("  target:      " + r.target());
    out.println("  stopped:     " + r.reached().stoppedAt());
    out.println(
        "  base backup: "
            + r.choice().backupPrefix()
            + " (ended "
            + r.choice().manifest().stopTime()
            + ")");
    out.println(
        "  WAL:         "
            + r.restored().walFilesSpooled()
            + " files spooled, up to "
            + r.restored().newestSpooledWal());
    printVerificationAndRepoint(out, r);
  }

  private static void printVerificationAndRepoint(PrintWriter out, RestoreToPointInTimeResult r) {
    if (r.verification() != null) {
      out.println(
          "  verified:    "
              + r.verification().database()
              + ", "
              + r.verification().checks().size()
              + " checks "
              + (r.verification().passed() ? "passed" : "FAILED"));
    }
    out.println("  took:        " + Output.duration(r.elapsed()));
    if (r.swap() != null) {
      out.println(
          "  The live database is now the recovered one"
              + (r.swap().retiredDatabase() == null
                  ? " (there was no live database to keep)"
                  : "; the one it replaced is kept as " + r.swap().retiredDatabase())
              + " (approved by "
              + r.swapDecision().by()
              + ").");
    } else if (r.stagingVerification() != null) {
      out.println(
          "  The live database was NOT replaced ("
              + (r.swapDecision() == null
                  ? "nobody answered at the swap gate"
                  : "rejected by " + r.swapDecision().by())
              + "); staging was dropped.");
    } else if (r.published() != null) {
      out.println(
          "  The application now uses it ("
              + r.outcome()
              + ", approved by "
              + r.repointDecision().by()
              + ").");
    } else {
      out.println(
          "  The instance keeps the source's roles and passwords. The application is not"
              + " repointed to it"
              + (r.repointDecision() == null
                  ? ""
                  : " (" + (r.repointDecision().approve() ? "approved" : "rejected") + ")")
              + (r.managed() == null
                  ? "; tear it down with: flowviz-dr teardown-instance " + r.instance()
                  : "; delete it in RDS once it is no longer needed ("
                      + r.managed().identifier()
                      + ")"));
    }
    out.flush();
  }
}
