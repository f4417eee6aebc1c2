package com.flowviz.dr.starter;

import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.workflows.basebackup.TakeBaseBackupRequest;
import com.flowviz.dr.workflows.basebackup.TakeBaseBackupResult;
import com.flowviz.dr.workflows.basebackup.TakeBaseBackupWorkflow;
import com.flowviz.dr.workflows.procedures.Procedures;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "base-backup",
    description = {
      "Take a base backup now: pg_basebackup of a self-managed server whose WAL is archived,",
      "OpenPGP-encrypted to s3://<bucket>/base/<system id>/<backup id>/, its manifest written"
          + " last;",
      "then expire older base backups and the WAL only they needed."
    })
class TakeBaseBackupCommand implements Callable<Integer> {

  /** The backup is complete but the archive's expiry failed. */
  static final int EXIT_NOT_EXPIRED = 7;

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Option(
      names = "--server",
      defaultValue = "production",
      description = "production (default), instance:<name> or stack:<workspace>")
  String server;

  @Mixin BucketOption bucket;

  @Option(names = "--keep", description = "the newest base backups kept (default 7)")
  Integer keep;

  @Option(
      names = "--keep-for",
      description = "ISO-8601: base backups younger than this are kept too (default P8D)")
  String keepFor;

  @Mixin OperatorOption operator;

  @Option(names = "--reason")
  String reason;

  @Mixin StartOptions start;

  @Mixin JsonOption output;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    String id = start.workflowId("base-backup-" + server.replace(':', '-'));
    TakeBaseBackupRequest request =
        TakeBaseBackupRequest.builder()
            .server(server)
            .bucket(bucket.bucket)
            .keepBaseBackups(keep)
            .keepFor(keepFor)
            .operator(operator.operator())
            .reason(reason)
            .build();
    return Launch.of(Procedures.TAKE_BASE_BACKUP.typeName(), TakeBaseBackupResult.class, id)
        .request(request)
        .summary("Base backup of " + server)
        .details(request.operator(), reason)
        .noFollow(
            start.noFollow,
            "Started base backup " + id + ". Follow it with: flowviz-dr status " + id)
        .announce("Base backup " + id + " of " + server + " started ...")
        .watch(
            client -> {
              ProgressPrinter steps = new ProgressPrinter(out, !output.json);
              TakeBaseBackupWorkflow typed =
                  client.newWorkflowStub(TakeBaseBackupWorkflow.class, id);
              return new Launch.Watch<>() {
                @Override
                public void poll() {
                  steps.finish(typed.progress());
                }

                @Override
                public void report(TakeBaseBackupResult taken) {
                  steps.finish(typed.progress());
                  print(out, taken);
                }
              };
            })
        .outcome(TakeBaseBackupResult::outcome)
        .exitCode(
            taken -> TakeBaseBackupResult.TAKEN.equals(taken.outcome()) ? 0 : EXIT_NOT_EXPIRED)
        .run(temporal, spec, output.json);
  }

  private static int count(List<String> names) {
    return names == null ? 0 : names.size();
  }

  private static void print(PrintWriter out, TakeBaseBackupResult r) {
    BaseBackupManifest m = r.manifest();
    out.println("Base backup stored: s3://" + r.bucket() + "/" + r.prefix());
    out.println(
        "  server:     "
            + r.server()
            + " (PostgreSQL "
            + m.serverVersion()
            + ", system "
            + m.systemIdentifier()
            + ", timeline "
            + m.timeline()
            + ")");
    out.println(
        "  data:       "
            + Output.bytes(m.tarBytes())
            + " of tar, "
            + Output.bytes(m.encryptedBytes())
            + " encrypted, SHA-256 "
            + m.sha256());
    out.println(
        "  WAL needed: "
            + m.startWalFile()
            + " to "
            + m.stopWalFile()
            + " (from the archive; LSN "
            + m.startLsn()
            + " to "
            + m.stopLsn()
            + ")");
    out.println("  manifest:   " + r.manifestKey() + " (written last: the backup is complete)");
    out.println("  took:       " + Output.duration(r.elapsed()));
    if (r.expiry() != null) {
      out.println(
          "  expiry:     kept "
              + count(r.expiry().keptBackups())
              + " base backups, removed "
              + count(r.expiry().deletedBackups())
              + " (and "
              + count(r.expiry().deletedIncomplete())
              + " incomplete) and "
              + r.expiry().deletedWalFiles()
              + " WAL files; WAL kept from "
              + r.expiry().oldestKeptWalFile());
    } else {
      out.println(
          "  expiry:     FAILED: "
              + r.expiryFailure()
              + " (the backup is complete; the archive keeps more until an expiry succeeds)");
    }
    out.flush();
  }
}
