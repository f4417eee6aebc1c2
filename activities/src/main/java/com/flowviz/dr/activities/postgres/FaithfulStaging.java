package com.flowviz.dr.activities.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A staging database that is the database the application had: created with the archive's encoding,
 * locale and collation, owned by the archive's owner, with its settings and privileges; the roles
 * the archive's objects belong to and are granted to created from the backup's globals where the
 * server lacks them (a new instance); tablespaces the server does not have mapped to the default.
 * Only when owners cannot exist does the restore fall back to the runbook's {@code --no-owner
 * --no-privileges}, and the findings say so.
 */
final class FaithfulStaging {

  private static final Logger log = LoggerFactory.getLogger(FaithfulStaging.class);

  /**
   * The application's role and the password its configured secret holds; read only when that role
   * is created.
   */
  record ApplicationRole(String name, Supplier<String> password) {}

  /** How pg_restore is to run, and what differs from the archive. */
  record Plan(boolean ownersAndPrivileges, boolean tablespaces, List<String> findings) {

    List<String> pgRestoreFlags() {
      List<String> flags = new ArrayList<>();
      if (!ownersAndPrivileges) {
        flags.add("--no-owner");
        flags.add("--no-privileges");
      }
      if (!tablespaces) {
        flags.add("--no-tablespaces");
      }
      return flags;
    }

    Plan withoutOwners(String finding) {
      List<String> more = new ArrayList<>(findings);
      more.add(finding);
      return new Plan(false, tablespaces, List.copyOf(more));
    }
  }

  private final PgClient pg;
  private final ArchiveDatabase archive;
  private final Path globalsFile;
  private final ApplicationRole application;

  FaithfulStaging(
      PgClient pg, ArchiveDatabase archive, Path globalsFile, ApplicationRole application) {
    this.pg = pg;
    this.archive = archive;
    this.globalsFile = globalsFile;
    this.application = application;
  }

  /** Creates the roles the archive needs, then the staging database as the archive's was. */
  Plan prepare(String staging) throws SQLException {
    List<String> findings = new ArrayList<>();
    boolean ownersAndPrivileges;
    boolean tablespaces;
    try (Connection c = pg.connectMaintenance()) {
      c.setAutoCommit(true);
      Set<String> missing = new TreeSet<>(archive.roles());
      missing.removeAll(names(c, "SELECT rolname FROM pg_roles"));
      if (!missing.isEmpty()) {
        missing.removeAll(createFromGlobals(c, missing, findings));
      }
      ownersAndPrivileges = missing.isEmpty();
      if (!ownersAndPrivileges) {
        findings.add(
            "FALLBACK --no-owner --no-privileges: the roles "
                + missing
                + " that the archive's objects belong to or are granted"
                + " to do not exist on "
                + pg.settings().host()
                + ":"
                + pg.settings().port()
                + " and could not be created ("
                + (Files.isRegularFile(globalsFile)
                    ? "see above"
                    : "the backup has no globals file beside it")
                + "); every object belongs"
                + " to "
                + pg.settings().user()
                + " and the archive's grants are not applied, so the application's role may not"
                + " read it");
      }
      Set<String> missingSpaces = new TreeSet<>(archive.tablespaces());
      missingSpaces.removeAll(names(c, "SELECT spcname FROM pg_tablespace"));
      tablespaces = missingSpaces.isEmpty();
      if (!tablespaces) {
        findings.add(
            "tablespaces "
                + missingSpaces
                + " do not exist on this server: their objects went to the default tablespace");
      }
      createDatabase(c, staging, tablespaces, findings);
    }
    return new Plan(ownersAndPrivileges, tablespaces, List.copyOf(findings));
  }

  /**
   * After pg_restore: the database's owner, settings and privileges (pg_restore runs them only with
   * --create).
   */
  List<String> finish(String staging, Plan plan) throws SQLException {
    List<String> findings = new ArrayList<>(plan.findings());
    try (Connection c = pg.connectMaintenance()) {
      c.setAutoCommit(true);
      Set<String> roles = names(c, "SELECT rolname FROM pg_roles");
      if (archive.owner() != null
          && plan.ownersAndPrivileges()
          && roles.contains(archive.owner())) {
        execute(
            c,
            "ALTER DATABASE "
                + PgClient.quote(staging)
                + " OWNER TO "
                + PgClient.quote(archive.owner()));
      }
      for (String statement : archive.databaseStatementsFor(staging)) {
        boolean privilege = statement.startsWith("GRANT") || statement.startsWith("REVOKE");
        if (privilege && !plan.ownersAndPrivileges()) {
          continue;
        }
        try {
          execute(c, statement);
        } catch (SQLException e) {
          findings.add(
              "the archive's database setting \""
                  + statement
                  + "\" could not be applied: "
                  + e.getMessage());
        }
      }
    }
    return List.copyOf(findings);
  }

  private void createDatabase(
      Connection c, String staging, boolean withTablespace, List<String> findings)
      throws SQLException {
    // Staging an operator moved to a roomier volume (ALTER DATABASE ... SET TABLESPACE) stays
    // there.
    String placed = stagingTablespace(c, staging);
    String placedClause =
        placed == null
                || (withTablespace
                    && !archive.tablespaces().isEmpty()
                    && archive.createDatabase() != null
                    && archive.createDatabase().contains(" TABLESPACE = "))
            ? ""
            : " TABLESPACE = " + PgClient.quote(placed);
    execute(c, "DROP DATABASE IF EXISTS " + PgClient.quote(staging) + " WITH (FORCE)");
    if (archive.createDatabase() == null) {
      findings.add(
          "the archive names no database properties (encoding, locale): staging was created with"
              + " the server's defaults");
      execute(c, "CREATE DATABASE " + PgClient.quote(staging) + placedClause);
      return;
    }
    try {
      execute(c, archive.createDatabaseAs(staging, withTablespace) + placedClause);
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (!state.equals("22023") && !state.equals("42704") && !state.equals("0A000")) {
        throw e;
      }
      // A locale or collation this server does not have: the data still restores, sorted as the
      // server sorts.
      findings.add(
          "the archive's database properties cannot be made on this server ("
              + e.getMessage()
              + "): staging was created"
              + " with the server's default locale; the archive wanted: "
              + archive.createDatabaseAs("...", withTablespace));
      execute(c, "CREATE DATABASE " + PgClient.quote(staging));
    }
  }

  /** The roles created; each in a transaction of its own, existing roles never touched. */
  private Set<String> createFromGlobals(Connection c, Set<String> missing, List<String> findings)
      throws SQLException {
    Set<String> created = new LinkedHashSet<>();
    if (!Files.isRegularFile(globalsFile)) {
      return created;
    }
    ClusterGlobals globals;
    try {
      globals = ClusterGlobals.parse(Files.readString(globalsFile, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String role : missing) {
      if (!globals.defines(role)) {
        findings.add("the role " + role + " is not in the backup's globals");
        continue;
      }
      c.setAutoCommit(false);
      try {
        for (String statement : globals.definitionOf(role)) {
          execute(c, statement);
        }
        boolean withPassword = application != null && role.equals(application.name());
        if (withPassword) {
          String password = application.password().get();
          if (password != null) {
            // Hashed here (SCRAM): the password itself never reaches the server's statement log.
            c.unwrap(PGConnection.class)
                .alterUserPassword(role, password.toCharArray(), "scram-sha-256");
          }
        }
        c.commit();
        created.add(role);
        log.info(
            "Created the role {} from the backup's globals{}",
            role,
            withPassword ? " with the application's configured password" : "");
      } catch (SQLException e) {
        c.rollback();
        findings.add(
            "the role "
                + role
                + " could not be created from the backup's globals: "
                + e.getMessage());
      } finally {
        c.setAutoCommit(true);
      }
    }
    for (String role : created) {
      for (String membership : globals.membershipsOf(role)) {
        try {
          execute(c, membership);
        } catch (SQLException e) {
          findings.add(
              "the created role "
                  + role
                  + " lacks a membership it had ("
                  + membership
                  + "): "
                  + e.getMessage());
        }
      }
    }
    if (!created.isEmpty()) {
      findings.add(
          "created from the backup's globals: "
              + created
              + (application != null && created.contains(application.name())
                  ? " (" + application.name() + " with the password of its configured secret)"
                  : ""));
    }
    return created;
  }

  private static String stagingTablespace(Connection c, String staging) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT t.spcname FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace"
                + " WHERE d.datname = ? AND t.spcname <> 'pg_default'")) {
      s.setString(1, staging);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static Set<String> names(Connection c, String sql) throws SQLException {
    Set<String> names = new LinkedHashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
