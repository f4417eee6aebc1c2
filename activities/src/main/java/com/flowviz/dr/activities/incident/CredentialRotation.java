package com.flowviz.dr.activities.incident;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.PGConnection;

/**
 * Runbook 2.4's "rotate all credentials" the way Secrets Manager rotates a database password (its
 * four steps createSecret, setSecret, testSecret, finishSecret): the new password is staged as
 * AWSPENDING, set in the database, proven by logging in with it, and only then made AWSCURRENT. A
 * reader of AWSCURRENT therefore never gets a password the database has not accepted, and a
 * rotation that stopped anywhere is finished by the next attempt with the same pending password.
 * The sessions the rotated roles still hold (opened with the old password, perhaps by the attacker)
 * are ended last.
 */
final class CredentialRotation {

  private final PgClient pg;
  private final SecretStore secrets;
  private final IncidentActivitiesImpl.Settings settings;
  private final List<String> findings = new ArrayList<>();

  CredentialRotation(PgClient pg, SecretStore secrets, IncidentActivitiesImpl.Settings settings) {
    this.pg = pg;
    this.secrets = secrets;
    this.settings = settings;
  }

  RotationOutcome rotate() throws SQLException {
    Map<String, Boolean> canLogIn = requireRoles();
    List<String> written = new ArrayList<>();
    for (String role : settings.rotateRoles()) {
      written.addAll(rotateRole(role, canLogIn.get(role)));
    }
    for (String secretId : settings.rotateSecrets()) {
      if (secrets.readPending(secretId).isEmpty()) {
        secrets.writePending(secretId, newSecret());
      }
      secrets.promotePending(secretId);
      written.add(secretId);
    }
    int ended = endSessions(settings.rotateRoles());
    return new RotationOutcome(settings.rotateRoles(), written, ended, List.copyOf(findings));
  }

  /** Every configured role exists, checked before anything changes; whether each may log in. */
  private Map<String, Boolean> requireRoles() throws SQLException {
    Map<String, Boolean> canLogIn = new LinkedHashMap<>();
    try (Connection c = pg.connectMaintenance();
        PreparedStatement s =
            c.prepareStatement("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?")) {
      for (String role : settings.rotateRoles()) {
        s.setString(1, role);
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            throw NonRetryable.failure(
                FailureTypes.CONFIGURATION,
                "The role "
                    + role
                    + " (flowviz.incident.rotate-roles) does not exist on "
                    + pg.settings().host()
                    + ":"
                    + pg.settings().port()
                    + ". Remove it from the list or create it; nothing was rotated.");
          }
          canLogIn.put(role, rs.getBoolean(1));
        }
      }
    }
    return canLogIn;
  }

  /** The four steps for one role; returns the secrets made current. */
  private List<String> rotateRole(String role, boolean canLogIn) throws SQLException {
    // createSecret: the pending password of an unfinished rotation (in either secret: one may have
    // been finished before the worker stopped), else a new one.
    String roleSecret = IncidentActivitiesImpl.roleSecret(role);
    String applicationSecret =
        role.equals(settings.applicationRole()) ? settings.applicationSecretId() : null;
    Optional<String> pendingForRole = secrets.readPending(roleSecret);
    String password =
        pendingForRole.orElseGet(
            () -> applicationSecret == null ? null : pendingPasswordOf(applicationSecret));
    if (password == null) {
      password = newSecret();
    }
    if (pendingForRole.isEmpty()) {
      secrets.writePending(roleSecret, password);
    }
    if (applicationSecret != null && !password.equals(pendingPasswordOf(applicationSecret))) {
      secrets.writePending(applicationSecret, applicationSecretValue(role, password));
    }
    // setSecret, unless an earlier attempt got that far.
    if (!canLogIn || !logsIn(role, password)) {
      setPassword(role, password);
    }
    // testSecret: only a password the database accepts becomes current.
    if (canLogIn && !logsIn(role, password)) {
      throw new IllegalStateException(
          "The role "
              + role
              + " refuses its new password right after ALTER ROLE; AWSCURRENT still holds"
              + " the old one. Check pg_hba.conf's method for "
              + role
              + " (scram-sha-256 or md5) and retry.");
    }
    if (!canLogIn) {
      findings.add(
          "role " + role + " has NOLOGIN: its new password was set but could not be tried");
    }
    // finishSecret.
    secrets.promotePending(roleSecret);
    List<String> promoted = new ArrayList<>(List.of(roleSecret));
    if (applicationSecret != null) {
      secrets.promotePending(applicationSecret);
      promoted.add(applicationSecret);
    }
    return promoted;
  }

  /**
   * ALTER ROLE with a SCRAM verifier computed here, so the server never sees the password; with
   * statement logging off for that transaction where the worker's role may turn it off, so not even
   * the verifier reaches the server's log.
   */
  private void setPassword(String role, String password) throws SQLException {
    char[] chars = password.toCharArray();
    try (Connection c = pg.connectMaintenance()) {
      c.setAutoCommit(false);
      quietStatementLogging(c);
      c.unwrap(PGConnection.class).alterUserPassword(role, chars, "scram-sha-256");
      c.commit();
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  private void quietStatementLogging(Connection c) throws SQLException {
    Savepoint before = c.setSavepoint();
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL log_statement = 'none'");
      s.execute("SET LOCAL log_min_duration_statement = -1");
      s.execute("SET LOCAL log_min_error_statement = 'panic'");
      c.releaseSavepoint(before);
    } catch (SQLException e) {
      if (!"42501".equals(e.getSQLState())) {
        throw e;
      }
      c.rollback(before);
      String finding =
          "statement logging could not be turned off for ALTER ROLE (the worker's role "
              + pg.settings().user()
              + " may not set log_statement; GRANT SET ON PARAMETER log_statement,"
              + " log_min_duration_statement, log_min_error_statement to it): a log that records"
              + " DDL holds the new SCRAM verifier, never the password";
      if (!findings.contains(finding)) {
        findings.add(finding);
      }
    }
  }

  /** Whether the role logs in with the password; only an authentication failure counts as no. */
  private boolean logsIn(String role, String password) throws SQLException {
    String database =
        settings.applicationDatabase() == null ? "postgres" : settings.applicationDatabase();
    try (Connection c =
        new PgClient(pg.settings().withCredentials(role, password)).connect(database)) {
      return true;
    } catch (SQLException e) {
      return switch (e.getSQLState() == null ? "" : e.getSQLState()) {
        case "28P01" -> false;
        // Authenticated, then stopped by the database's absence or its CONNECT privilege.
        case "3D000", "42501" -> true;
        default -> throw e;
      };
    }
  }

  /**
   * pg_terminate_backend for every session of the rotated roles but the worker's own: they were
   * opened with the old password. Sessions the worker's role may not end are a finding.
   */
  private int endSessions(List<String> roles) throws SQLException {
    int ended = 0;
    int refused = 0;
    try (Connection c = pg.connectMaintenance()) {
      List<Integer> pids = new ArrayList<>();
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT pid FROM pg_stat_activity WHERE usename = ANY (?) AND usename <> current_user"
                  + " AND pid <> pg_backend_pid()")) {
        s.setArray(1, c.createArrayOf("text", roles.toArray()));
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            pids.add(rs.getInt(1));
          }
        }
      }
      try (PreparedStatement terminate =
          c.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
        for (int pid : pids) {
          terminate.setInt(1, pid);
          try (ResultSet rs = terminate.executeQuery()) {
            if (rs.next() && rs.getBoolean(1)) {
              ended++;
            }
          } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
              throw e;
            }
            refused++;
          }
        }
      }
    }
    if (refused > 0) {
      findings.add(
          refused
              + " sessions of "
              + roles
              + " are still open: the worker's role "
              + pg.settings().user()
              + " may not end them (grant it pg_signal_backend, or end them by hand with"
              + " pg_terminate_backend)");
    }
    return ended;
  }

  private String pendingPasswordOf(String secretId) {
    Optional<String> pending = secrets.readPending(secretId);
    if (pending.isEmpty()) {
      return null;
    }
    try {
      var password = Json.MAPPER.readTree(pending.get()).get("password");
      return password == null ? null : password.asText();
    } catch (IOException e) {
      return null;
    }
  }

  private String applicationSecretValue(String role, String password) {
    Map<String, Object> secret = new LinkedHashMap<>();
    secret.put("engine", "postgres");
    secret.put("host", pg.settings().host());
    secret.put("port", pg.settings().port());
    secret.put("dbname", settings.applicationDatabase());
    secret.put("username", role);
    secret.put("password", password);
    try {
      return Json.MAPPER
          .writer()
          .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(secret);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String newSecret() {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }
}
