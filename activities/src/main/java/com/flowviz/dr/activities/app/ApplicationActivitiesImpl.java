package com.flowviz.dr.activities.app;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.activities.verify.ApplicationLogin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

public class ApplicationActivitiesImpl implements ApplicationActivities {

  private final List<String> restartCommand;
  private final Duration timeout;
  private final List<EndpointPublisher> publishers;
  private final SecretStore secrets;
  private final String database;
  private final List<String> endpoints;
  private PgServers servers;
  private final ApplicationLogin applicationLogin;

  /**
   * @param restartCommand an argument list, e.g. [docker, compose, restart, api]; empty for none
   * @param publishers where a new database endpoint is written; empty when the operator repoints
   *     the application by hand
   */
  public ApplicationActivitiesImpl(
      List<String> restartCommand,
      Duration timeout,
      List<EndpointPublisher> publishers,
      SecretStore secrets) {
    this(restartCommand, timeout, publishers, secrets, "flowviz", List.of());
  }

  /**
   * @param database the database the application reads: a restore of any other is a side copy
   * @param endpoints the URLs the connectivity test probes, as shown to an operator
   */
  public ApplicationActivitiesImpl(
      List<String> restartCommand,
      Duration timeout,
      List<EndpointPublisher> publishers,
      SecretStore secrets,
      String database,
      List<String> endpoints) {
    this(restartCommand, timeout, publishers, secrets, database, endpoints, null);
  }

  /**
   * @param applicationLogin the application's own role and secret: what a repointing publishes;
   *     null when none is configured, and the published credentials then stay as they were
   */
  public ApplicationActivitiesImpl(
      List<String> restartCommand,
      Duration timeout,
      List<EndpointPublisher> publishers,
      SecretStore secrets,
      String database,
      List<String> endpoints,
      ApplicationLogin applicationLogin) {
    this.applicationLogin = applicationLogin;
    this.restartCommand = List.copyOf(restartCommand);
    this.timeout = timeout;
    this.publishers = List.copyOf(publishers);
    this.secrets = secrets;
    this.database = database;
    this.endpoints = List.copyOf(endpoints);
  }

  /**
   * Publishes only servers the registry admits, with the secret it assigns: an input cannot have a
   * secret of its choice written where the application (and whoever reads its env file) sees it.
   */
  public ApplicationActivitiesImpl admittingThrough(PgServers servers) {
    this.servers = servers;
    return this;
  }

  @Override
  public ApplicationProfile describeApplication() {
    return new ApplicationProfile(database, String.join(" ", restartCommand), endpoints);
  }

  @Override
  public PublishOutcome publishDatabaseEndpoint(PgServer given, String database) {
    if (publishers.isEmpty()) {
      return new PublishOutcome(false, List.of());
    }
    // Only a server the registry admits is published (an input cannot choose where the
    // application connects); its host and port, never its superuser or that superuser's secret.
    PgServer server = given;
    if (servers != null && given != null) {
      server = servers.registry().admit(given).toServer();
    }
    // The application's own role and password, never the instance's superuser.
    boolean ownRole = applicationLogin != null && applicationLogin.configured();
    DatabaseEndpoint endpoint =
        ownRole
            ? new DatabaseEndpoint(
                server.host(),
                server.port(),
                database,
                applicationLogin.role(),
                applicationLogin.password())
            : new DatabaseEndpoint(server.host(), server.port(), database, null, null);
    List<String> locations = new ArrayList<>();
    for (EndpointPublisher publisher : publishers) {
      try {
        locations.add(publisher.publish(endpoint));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot publish the database endpoint: " + e.getMessage(), e);
      }
    }
    if (!ownRole) {
      locations.add(
          "credentials left as they were: no application role is configured"
              + " (flowviz.incident.application-role)");
    }
    return new PublishOutcome(true, locations);
  }

  @Override
  public RestartOutcome restartApplication() {
    if (restartCommand.isEmpty()) {
      return new RestartOutcome(false, "", 0, 0, "");
    }
    String shown = String.join(" ", restartCommand);
    long started = System.nanoTime();
    try (ChildProcess child = ChildProcess.start(restartCommand, Map.of(), null, null, true)) {
      int exit = child.await(timeout, () -> Heartbeats.beat("running " + shown));
      String output = (child.stdoutTail() + "\n" + child.stderrTail()).strip();
      return new RestartOutcome(
          true, shown, exit, (System.nanoTime() - started) / 1_000_000, tail(output));
    } catch (TimeoutException e) {
      return new RestartOutcome(
          true, shown, -1, (System.nanoTime() - started) / 1_000_000, e.getMessage());
    } catch (UncheckedIOException e) {
      // The command could not start (not installed?): a report for the operator, not a retry loop.
      return new RestartOutcome(true, shown, -1, 0, e.getMessage());
    }
  }

  private static String tail(String output) {
    return output.length() > 2000 ? output.substring(output.length() - 2000) : output;
  }
}
