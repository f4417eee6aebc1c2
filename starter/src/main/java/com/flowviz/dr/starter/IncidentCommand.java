package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.failover.FailoverRequest;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflow;
import com.flowviz.dr.workflows.incident.IncidentProgress;
import com.flowviz.dr.workflows.incident.IncidentRequest;
import com.flowviz.dr.workflows.incident.IncidentResult;
import com.flowviz.dr.workflows.procedures.Procedures;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "incident",
    description = {
      "Declare an incident (runbook section 2) and recover from it: the section 3 checklist, the"
          + " scenario's procedure,",
      "the section 6.1 checks, the incident report, and the 24-hour and 7-day follow-up tasks."
    })
class IncidentCommand implements Callable<Integer> {

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "SCENARIO",
      description =
          "2.1 database-corruption, 2.2 instance-failure, 2.3 accidental-deletion, "
              + "2.4 security-breach (ransomware), 2.5 regional-outage")
  String scenario;

  @Option(names = "--detected-at", description = "ISO-8601 UTC instant, default now")
  String detectedAt;

  @Option(
      names = "--damage-started-at",
      description = "when the corruption, deletion or breach began; backups after it are not used")
  String damageStartedAt;

  @Option(names = "--notes")
  String notes;

  @Option(names = "--database", description = "the live database, default flowviz")
  String database;

  @Option(names = "--bucket", description = "the backup bucket, default flowviz-backups")
  String bucket;

  @Option(
      names = "--decision-timeout",
      description = "2.3: how long the choice waits, ISO-8601, default P1D")
  String decisionTimeout;

  @Option(names = "--hosted-zone-id", description = "2.5: the Route53 zone")
  String hostedZoneId;

  @Option(names = "--health-url", description = "2.5: the public health URL")
  String healthUrl;

  @Mixin OperatorOption operator;

  @Mixin StartOptions start;

  @Mixin JsonOption output;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    boolean json = output.json;
    String id =
        start.workflowId(
            "incident-" + scenario.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(Locale.ROOT));
    FailoverRequest failover =
        hostedZoneId == null && healthUrl == null
            ? null
            : FailoverRequest.builder()
                .direction("failover")
                .hostedZoneId(hostedZoneId)
                .healthUrl(healthUrl)
                .build();
    IncidentRequest request =
        IncidentRequest.builder()
            .scenario(scenario)
            .detectedAt(detectedAt)
            .damageStartedAt(damageStartedAt)
            .operator(operator.operator())
            .notes(notes)
            .targetDatabase(database)
            .bucket(bucket)
            .decisionTimeout(decisionTimeout)
            .failover(failover)
            .build();
    return Launch.of(Procedures.HANDLE_INCIDENT.typeName(), IncidentResult.class, id)
        .request(request)
        .summary("Incident " + scenario)
        .noFollow(
            start.noFollow, "Declared incident " + id + ". Follow it with: flowviz-dr status " + id)
        .announce("Incident " + id + " declared")
        .watch(
            client -> {
              ProgressPrinter steps = new ProgressPrinter(out, !json);
              HandleIncidentWorkflow typed =
                  client.newWorkflowStub(HandleIncidentWorkflow.class, id);
              return new Launch.Watch<>() {
                @Override
                public void poll() {
                  if (!json) {
                    show(typed.progress(), steps, out);
                  }
                }

                @Override
                public void report(IncidentResult done) {
                  steps.finish(done.steps());
                  print(out, done);
                }
              };
            })
        .outcome(IncidentResult::outcome)
        .exitCode(
            done ->
                switch (done.outcome()) {
                  case IncidentResult.RECOVERED -> 0;
                  case IncidentResult.RECOVERED_WITH_FINDINGS -> 3;
                  default -> 5;
                })
        .run(temporal, spec, json);
  }

  static void print(PrintWriter out, IncidentResult r) {
    out.println();
    out.println(
        "Result: " + r.outcome() + "   (incident " + r.incidentId() + ", " + r.scenario() + ")");
    out.println(
        "  Procedure:   "
            + r.procedure()
            + (r.procedureWorkflowId() == null
                ? ""
                : " (" + r.procedureWorkflowId() + "): " + r.procedureOutcome()));
    if (r.backup() != null) {
      out.println(
          "  Backup used: " + r.backup().uri() + ", taken " + Output.time(r.backup().takenAt()));
    }
    out.println(
        "  RTO:         "
            + Output.duration(r.rto().achieved())
            + " from detection ("
            + r.rto().verdict()
            + "; target 15m, maximum 1h)");
    if (r.rpo() != null) {
      out.println(
          "  RPO gap:     "
              + Output.duration(r.rpo().gap())
              + " ("
              + r.rpo().verdict()
              + "; target 2h, maximum 24h)");
    }
    if (r.undelete() != null) {
      out.println(
          "  Undelete:    " + r.undelete().total() + " rows put back " + r.undelete().inserted());
    }
    if (r.rotation() != null) {
      out.println(
          "  Rotated:     roles " + r.rotation().roles() + ", secrets " + r.rotation().secrets());
    }
    r.postRecoveryChecks().forEach(c -> out.println("  Check:       " + c));
    out.println(
        "  Report:      s3://"
            + r.report().bucket()
            + "/"
            + r.report().markdownKey()
            + "   (flowviz-dr report "
            + r.incidentId()
            + ")");
    out.println(
        "  Follow-up:   "
            + r.followUpWorkflowId()
            + "   (flowviz-dr tasks "
            + r.incidentId()
            + ")");
    out.flush();
  }

  private String announced;

  /** The steps done so far, and what the incident waits for from a person, once. */
  private void show(IncidentProgress progress, ProgressPrinter steps, PrintWriter out) {
    steps.finish(progress.steps());
    if (progress.awaiting() != null && !Objects.equals(progress.awaiting(), announced)) {
      announced = progress.awaiting();
      out.println("  ... waiting for you: " + announced);
      out.flush();
    }
  }
}
