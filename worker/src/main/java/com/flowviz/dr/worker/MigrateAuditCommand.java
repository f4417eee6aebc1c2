package com.flowviz.dr.worker;

import com.flowviz.dr.activities.audit.AuditMigration;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowviz-dr-worker migrate-audit}: the audit database's migration, run by a database
 * administrator (libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD or PGPASSFILE) before the worker starts
 * with a role of its own. The tables end up owned by {@value AuditMigration#OWNER_ROLE}; the
 * worker's role may only insert and read.
 */
@Command(
    name = "migrate-audit",
    mixinStandardHelpOptions = true,
    description =
        "Create or migrate the audit database; the worker's audit role gets INSERT and SELECT"
            + " only.")
final class MigrateAuditCommand implements Callable<Integer> {

  @Option(
      names = "--database",
      defaultValue = "flowviz_dr_audit",
      description = "the audit database (flowviz.pg.audit-database)")
  String database;

  @Option(
      names = "--writer",
      required = true,
      description = "the role the worker logs in as for the audit trail (flowviz.audit.user)")
  String writer;

  @Option(
      names = "--writer-password-file",
      description = "sets the writer's password from this file (else set it yourself)")
  Path writerPasswordFile;

  @Spec CommandLine.Model.CommandSpec spec;

  static int run(String[] args) {
    return new CommandLine(new MigrateAuditCommand()).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PgConnectionSettings administrator = PgConnectionSettings.fromEnvironment(System.getenv());
    AuditMigration migration = new AuditMigration(new PgClient(administrator), database);
    try {
      AuditMigration.Outcome outcome = migration.migrate(writer);
      if (writerPasswordFile != null) {
        migration.setWriterPassword(writer, Files.readString(writerPasswordFile).strip());
      }
      out.println(
          "Audit database "
              + database
              + " at schema version "
              + outcome.toVersion()
              + " (was "
              + outcome.fromVersion()
              + ");"
              + (outcome.entriesBackfilled() > 0
                  ? " " + outcome.entriesBackfilled() + " entries from before the chain hashed;"
                  : "")
              + " owned by "
              + AuditMigration.OWNER_ROLE
              + "; "
              + writer
              + " may INSERT and SELECT only.");
      outcome.warnings().forEach(w -> out.println("WARNING: " + w));
      out.flush();
      return 0;
    } catch (SQLException e) {
      spec.commandLine()
          .getErr()
          .println(
              "Cannot migrate the audit database "
                  + database
                  + " as "
                  + administrator
                  + ": "
                  + e.getMessage());
      return 1;
    }
  }
}
