package com.flowviz.dr.activities.verify;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.postgres.SqlStates;
import com.flowviz.dr.activities.storage.BackupManifest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

public class VerificationActivitiesImpl implements VerificationActivities {

  private final PgServers servers;
  private final List<URI> endpoints;
  private final Duration connectivityDeadline;
  private final HttpClient http;
  private final ApplicationLogin applicationLogin;
  private final ApplicationRoleAccess roleAccess;
  private JudgementLimits limits = JudgementLimits.DEFAULTS;
  private HealthUrlRules healthUrlRules = new HealthUrlRules(List.of("api.flowviz.com"), List.of());

  /**
   * A health URL can come from an input: its redirects are not followed (runbook 5.3's configured
   * probes keep theirs).
   */
  private final HttpClient healthHttp =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /**
   * @param endpoints the application's URLs for runbook 5.3 (e.g. /api/v1/health); empty to skip
   * @param connectivityDeadline how long an endpoint may take to turn healthy after a restart
   */
  public VerificationActivitiesImpl(
      PgServers servers, List<URI> endpoints, Duration connectivityDeadline) {
    this(servers, endpoints, connectivityDeadline, null);
  }

  /**
   * @param applicationLogin the application's role for runbook 6.1's check; null: the worker's role
   */
  public VerificationActivitiesImpl(
      PgServers servers,
      List<URI> endpoints,
      Duration connectivityDeadline,
      ApplicationLogin applicationLogin) {
    this(servers, endpoints, connectivityDeadline, applicationLogin, null);
  }

  /**
   * @param roleAccess a restore must be readable by the application's own role; null: not checked
   */
  public VerificationActivitiesImpl(
      PgServers servers,
      List<URI> endpoints,
      Duration connectivityDeadline,
      ApplicationLogin applicationLogin,
      ApplicationRoleAccess roleAccess) {
    this.roleAccess = roleAccess;
    this.servers = servers;
    this.endpoints = List.copyOf(endpoints);
    this.connectivityDeadline = connectivityDeadline;
    this.applicationLogin = applicationLogin;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** Judges restores with these limits rather than the defaults; set before the worker starts. */
  public VerificationActivitiesImpl judging(JudgementLimits limits) {
    this.limits = limits;
    return this;
  }

  public VerificationActivitiesImpl withHealthUrlRules(HealthUrlRules rules) {
    this.healthUrlRules = rules;
    return this;
  }

  @Override
  public void checkHealthUrl(String url) {
    healthUrlRules.check(url);
  }

  @Override
  public TraceabilityCheck checkLotTraceability(String database, PgServer server) {
    PgClient worker = servers.client(server);
    boolean asApplication = applicationLogin != null && applicationLogin.configured();
    String role = asApplication ? applicationLogin.role() : worker.settings().user();
    PgClient client =
        asApplication
            ? new PgClient(worker.settings().withCredentials(role, applicationLogin.password()))
            : worker;
    try (Connection c = client.connect(database)) {
      c.setReadOnly(true);
      return LotTraceability.read(c, database, role, asApplication);
    } catch (SQLException e) {
      if (SqlStates.canHeal(e)) {
        // The server is restarting or the path flapped: worth another attempt.
        throw SqlStates.failure("trace a lot in " + database + " on " + worker.settings(), e);
      }
      return new TraceabilityCheck(
          database,
          false,
          role,
          asApplication,
          null,
          0,
          0,
          LotTraceability.explain(e, role, database));
    }
  }

  @Override
  public VerificationReport verifyRestoredDatabase(
      String database, BackupManifest manifest, PgServer server) {
    PgClient worker = servers.client(server);
    try (Connection c = worker.connect(database)) {
      c.setReadOnly(true);
      VerificationReport report = RestoredDatabaseCheck.run(c, database, manifest);
      if (roleAccess != null && roleAccess.appliesTo(database)) {
        report = roleAccess.addTo(report, roleAccess.check(c, worker, database));
      }
      return report;
    } catch (SQLException e) {
      throw SqlStates.failure("verify the restored database " + database, e);
    }
  }

  @Override
  public RestoreJudgement judgeRestoredDatabase(JudgementRequest request) {
    PgClient client = servers.client(request.server());
    RestoreJudge judge =
        new RestoreJudge(
            limits.newestLotMargin(), limits.maxRowLoss(), limits.rowLossDecisionTimeout());
    // Counting a large table reports no progress for a while: heartbeat meanwhile.
    try {
      return Heartbeats.keepAlive(
          "judging " + request.restoredDatabase(),
          () -> {
            Map<String, RestoreJudge.Counted> restored;
            try (Connection c = client.connect(request.restoredDatabase())) {
              c.setReadOnly(true);
              restored = judge.judgeRestore(c, request.backupTakenAt());
            } catch (SQLException e) {
              throw SqlStates.failure(
                  "judge the restored database " + request.restoredDatabase(), e);
            }
            if (request.liveDatabase() != null) {
              judge.compareWithLive(restored, client, request.liveDatabase());
            }
            return judge.judgement();
          });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public ConnectivityReport checkApplicationConnectivity() {
    if (endpoints.isEmpty()) {
      return new ConnectivityReport(false, true, List.of());
    }
    long deadline = System.nanoTime() + connectivityDeadline.toNanos();
    List<EndpointCheck> results;
    while (true) {
      results = endpoints.stream().map(this::probe).toList();
      Heartbeats.beat(results.stream().filter(EndpointCheck::healthy).count());
      if (results.stream().allMatch(EndpointCheck::healthy) || System.nanoTime() > deadline) {
        break;
      }
      try {
        Thread.sleep(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return new ConnectivityReport(true, results.stream().allMatch(EndpointCheck::healthy), results);
  }

  /**
   * Each probe of the public health URL may take this long; a slower answer counts as unhealthy.
   */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  private static final int KEPT_OBSERVATIONS = 10;

  @Override
  public HealthReport probeHealth(String url, Duration deadline) {
    long started = System.nanoTime();
    long until = started + deadline.toNanos();
    List<HealthObservation> first = new ArrayList<>();
    Deque<HealthObservation> last = new ArrayDeque<>();
    int probes = 0;
    while (true) {
      probes++;
      long probeStarted = System.nanoTime();
      HealthObservation seen;
      try {
        URI uri = URI.create(url);
        if (HealthUrls.problem(uri) != null) {
          // A workflow started before the input rules: the URL is still never asked.
          return new HealthReport(
              url,
              false,
              probes,
              -1,
              List.of(
                  new HealthObservation(
                      Instant.now(), 0, 0, "not probed: the URL " + HealthUrls.problem(uri))));
        }
        HttpResponse<String> response =
            healthHttp.send(
                HttpRequest.newBuilder(uri).timeout(PROBE_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        // Only a healthy answer's body is kept: an error page, or what a redirect points at, stays
        // out of history.
        String body =
            response.statusCode() / 100 != 2 || response.body() == null ? "" : response.body();
        String shown =
            response.statusCode() / 100 == 3
                ? "redirect not followed"
                : body.length() > 120 ? body.substring(0, 120) : body;
        seen =
            new HealthObservation(
                Instant.now(),
                response.statusCode(),
                (System.nanoTime() - probeStarted) / 1_000_000,
                shown);
      } catch (HttpTimeoutException e) {
        seen =
            new HealthObservation(
                Instant.now(),
                0,
                (System.nanoTime() - probeStarted) / 1_000_000,
                "no answer within " + PROBE_TIMEOUT);
      } catch (IOException e) {
        seen =
            new HealthObservation(
                Instant.now(),
                0,
                (System.nanoTime() - probeStarted) / 1_000_000,
                e.getClass().getSimpleName() + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      if (first.size() < KEPT_OBSERVATIONS) {
        first.add(seen);
      } else {
        last.addLast(seen);
        if (last.size() > KEPT_OBSERVATIONS) {
          last.removeFirst();
        }
      }
      Heartbeats.beat(probes);
      if (seen.status() / 100 == 2) {
        List<HealthObservation> kept = new ArrayList<>(first);
        kept.addAll(last);
        return new HealthReport(url, true, probes, (System.nanoTime() - started) / 1_000_000, kept);
      }
      if (System.nanoTime() > until) {
        List<HealthObservation> kept = new ArrayList<>(first);
        kept.addAll(last);
        return new HealthReport(url, false, probes, -1, kept);
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private EndpointCheck probe(URI url) {
    long started = System.nanoTime();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      long millis = (System.nanoTime() - started) / 1_000_000;
      String body = response.body() == null ? "" : response.body();
      String shown = body.length() > 200 ? body.substring(0, 200) : body;
      if (response.statusCode() / 100 != 2) {
        return new EndpointCheck(url.toString(), false, response.statusCode(), millis, shown);
      }
      // Runbook 5.3's own endpoints are judged by what they answer, not only by their status.
      String problem = RunbookProbes.judge(url, body);
      return new EndpointCheck(
          url.toString(),
          problem == null,
          response.statusCode(),
          millis,
          problem == null ? shown : problem + ": " + shown);
    } catch (IOException e) {
      return new EndpointCheck(
          url.toString(),
          false,
          0,
          (System.nanoTime() - started) / 1_000_000,
          e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new EndpointCheck(url.toString(), false, 0, 0, "interrupted");
    }
  }
}
