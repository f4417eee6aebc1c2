package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflow;
import com.flowviz.dr.workflows.failover.DnsApproval;
import com.flowviz.dr.workflows.failover.FailoverProgress;
import com.flowviz.dr.workflows.failover.FailoverRequest;
import com.flowviz.dr.workflows.failover.FailoverResult;
import com.flowviz.dr.workflows.procedures.Procedures;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "failover",
    description = {
      "Runbook 4.4: fail over to the DR region (or back, with --direction failback): check the DR"
          + " backups, apply the",
      "region's terraform stack, restore, wait for approval, switch DNS in Route53, probe the"
          + " public health URL."
    })
class FailoverCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Option(
      names = "--direction",
      defaultValue = "failover",
      description = "failover (default) or failback")
  String direction;

  @Option(names = "--source-bucket")
  String sourceBucket;

  @Option(names = "--source-region")
  String sourceRegion;

  @Option(names = "--compare-bucket")
  String compareBucket;

  @Option(names = "--compare-region")
  String compareRegion;

  @Option(
      names = "--workspace",
      description = "terraform workspace (default prod-dr; failback: prod)")
  String workspace;

  @Option(names = "--target-region")
  String targetRegion;

  @Option(names = "--hosted-zone-id")
  String hostedZoneId;

  @Option(
      names = "--change-batch",
      description = "default dr-failover-dns.json (failback: dr-failback-dns.json)")
  String changeBatch;

  @Option(names = "--health-url", description = "default https://api.flowviz.com/health")
  String healthUrl;

  @Option(names = "--health-deadline", description = "ISO-8601, default PT10M")
  String healthDeadline;

  @Option(names = "--database", description = "default flowviz")
  String database;

  @Option(
      names = "--pre-approved-by",
      description = "switch DNS without a gate, on the authority of this policy or person")
  String preApprovedBy;

  @Option(names = "--approval-timeout", description = "ISO-8601, default P1D")
  String approvalTimeout;

  @Mixin OperatorOption operator;

  @Option(names = "--reason")
  String reason;

  @Mixin StartOptions start;

  @Mixin JsonOption output;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    boolean json = output.json;
    String id = start.workflowId(direction);
    FailoverRequest request =
        FailoverRequest.builder()
            .direction(direction)
            .sourceBucket(sourceBucket)
            .sourceRegion(sourceRegion)
            .compareBucket(compareBucket)
            .compareRegion(compareRegion)
            .terraformWorkspace(workspace)
            .targetRegion(targetRegion)
            .hostedZoneId(hostedZoneId)
            .dnsChangeBatch(changeBatch)
            .healthUrl(healthUrl)
            .healthDeadline(healthDeadline)
            .databaseName(database)
            .dnsApproval(
                preApprovedBy == null
                    ? null
                    : new DnsApproval(DnsApproval.PRE_APPROVED, preApprovedBy))
            .approvalTimeout(approvalTimeout)
            .operator(operator.operator())
            .reason(reason)
            .build();
    return Launch.of(Procedures.CROSS_REGION_FAILOVER.typeName(), FailoverResult.class, id)
        .request(request)
        .summary("Cross-region " + direction)
        .noFollow(
            start.noFollow,
            "Started "
                + direction
                + " "
                + id
                + ". Approve its DNS switch with: flowviz-dr approve "
                + id)
        .announce(direction + " " + id + " started")
        .watch(
            client -> {
              ProgressPrinter steps = new ProgressPrinter(out, !json);
              ChildRestorePrinter child = new ChildRestorePrinter(client, out);
              CrossRegionFailoverWorkflow typed =
                  client.newWorkflowStub(CrossRegionFailoverWorkflow.class, id);
              return new Launch.Watch<>() {
                @Override
                public void poll() {
                  if (!json) {
                    show(id, typed.progress(), steps, child, out);
                  }
                }

                @Override
                public void report(FailoverResult done) {
                  steps.finish(done.steps());
                  out.println();
                  out.println(
                      "Result: "
                          + done.outcome()
                          + " ("
                          + done.direction()
                          + ", "
                          + Output.duration(done.elapsed())
                          + ")");
                  done.decisions()
                      .forEach(
                          d ->
                              out.println(
                                  "  decision: "
                                      + d.gate()
                                      + " "
                                      + (d.approve() ? "approved" : "rejected")
                                      + " by "
                                      + d.by()
                                      + " at "
                                      + Output.time(d.at())
                                      + (d.comment() == null ? "" : " (" + d.comment() + ")")));
                  if (done.dns() != null) {
                    out.println("  DNS: " + done.dns().records() + " " + done.dns().status());
                  }
                  if (done.health() != null) {
                    out.println(
                        "  health: "
                            + done.health().url()
                            + (done.health().healthy()
                                ? " healthy"
                                : " NOT healthy after "
                                    + done.health().probes()
                                    + " probes: "
                                    + done.health().observations()));
                  }
                }
              };
            })
        .outcome(FailoverResult::outcome)
        .exitCode(
            done ->
                done.outcome().equals(FailoverResult.SWITCHED)
                    ? 0
                    : done.outcome().equals(FailoverResult.SWITCHED_UNHEALTHY) ? 3 : 5)
        .run(temporal, spec, json);
  }

  private String announcedGate;

  /** The steps so far, the child restore's, and a gate waiting for a decision, once. */
  private void show(
      String id,
      FailoverProgress progress,
      ProgressPrinter steps,
      ChildRestorePrinter child,
      PrintWriter out) {
    steps.finish(progress.steps());
    child.poll(progress.restoreWorkflowId());
    if (progress.pendingGate() != null && !Objects.equals(progress.pendingGate(), announcedGate)) {
      announcedGate = progress.pendingGate();
      out.println("  ... waiting at the " + announcedGate + " gate: " + progress.gateQuestion());
      out.println(
          "      flowviz-dr approve "
              + id
              + " --gate "
              + announcedGate
              + "    (or: flowviz-dr reject ...)");
      out.flush();
    }
  }
}
