package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flowviz.dr.activities.testing.HttpInbox;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.worker.triggers.DeclaredIncident;
import com.flowviz.dr.worker.triggers.IncidentStarter;
import com.flowviz.dr.worker.triggers.RequestAuthenticator;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflow;
import com.flowviz.dr.workflows.incident.IncidentProgress;
import com.flowviz.dr.workflows.incident.IncidentResult;
import com.flowviz.dr.workflows.incident.Scenario;
import com.flowviz.dr.workflows.incident.Trigger;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The automated failover triggers on a worker of their own: Alertmanager webhooks (bearer token or
 * HMAC with a replay window) and SNS notifications delivered by moto_server (signed by moto,
 * verified by AWS's verifier), the policy that holds the swap for a person, exactly one incident
 * per alert episode, and refusals that start nothing.
 */
class AutomatedTriggersTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "token-" + UUID.randomUUID();
  private static final byte[] HMAC_KEY =
      ("hmac-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);

  private static WorkerTestStack stack;
  private static String bucket;
  private static String alarmTopic;
  private static String signedTopic;
  private static HttpInbox inbox;
  private static SnsTestSigner signer;
  private static String base;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startWorkerWithTriggers() throws Exception {
    Path dir = Files.createTempDirectory("flowviz-dr-triggers");
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    Path hmacFile = Files.write(dir.resolve("hmac"), HMAC_KEY);
    bucket = TestMoto.newBucket(TestMoto.s3(), "flowviz-backups");
    var sns = TestMoto.sns();
    alarmTopic =
        sns.createTopic(
                b -> b.name("flowviz-alarms-" + UUID.randomUUID().toString().substring(0, 8)))
            .topicArn();
    signedTopic =
        sns.createTopic(
                b -> b.name("flowviz-signed-" + UUID.randomUUID().toString().substring(0, 8)))
            .topicArn();
    signer = new SnsTestSigner();
    SnsSigningViaMoto.testCertificate = signer.pem();

    Map<String, Object> properties = new HashMap<>();
    properties.put("flowviz.worker.host-name", "trigger-host");
    properties.put("flowviz.triggers.enabled", true);
    properties.put("flowviz.triggers.token-file", tokenFile.toString());
    properties.put("flowviz.triggers.hmac-key-file", hmacFile.toString());
    properties.put("flowviz.triggers.sns-topic-arns", List.of(alarmTopic, signedTopic));
    properties.put("flowviz.triggers.alert-scenarios", List.of("FlowvizDatabaseCorrupted=2.1"));
    properties.put("flowviz.triggers.allowed-scenarios", List.of("2.1", "2.2", "2.3", "2.5"));
    properties.put("flowviz.triggers.bucket", bucket);
    properties.put(
        "flowviz.incident.report-bucket", TestMoto.newBucket(TestMoto.s3(), "flowviz-compliance"));
    properties.put("flowviz.triggers.decision-timeout", "30m");
    properties.put(SnsSigningViaMoto.PROPERTY, true);
    stack = WorkerTestStack.withSettings(properties);
    base = "http://127.0.0.1:" + stack.httpPort();

    // moto delivers each alarm to the worker and, for the test to replay and tamper with, to an
    // inbox.
    inbox = HttpInbox.start();
    sns.subscribe(b -> b.topicArn(alarmTopic).protocol("http").endpoint(base + "/triggers/sns"));
    sns.subscribe(b -> b.topicArn(alarmTopic).protocol("http").endpoint(inbox.url("/alarms")));
  }

  /** The trigger credentials, for the suite's last test to look for in every log line. */
  static List<String> credentials() {
    return List.of(TOKEN, new String(HMAC_KEY, StandardCharsets.UTF_8));
  }

  @AfterAll
  static void theCredentialsReachedNoHistory() {
    if (inbox != null) {
      inbox.close();
    }
    if (stack == null) {
      return;
    }
    List<WorkflowExecutionInfo> all = executions().toList();
    assertTrue(!all.isEmpty(), "the triggers started incidents");
    for (WorkflowExecutionInfo e : all) {
      String history =
          stack
              .client
              .fetchHistory(e.getExecution().getWorkflowId(), e.getExecution().getRunId())
              .toJson(true);
      for (String secret : credentials()) {
        assertTrue(
            !history.contains(secret),
            e.getExecution().getWorkflowId() + " holds a trigger credential");
      }
    }
  }

  // ---- The policy: stage automatically, swap only when a person approves ----

  @Test
  void anAlertRestoresIntoStagingOnItsOwnAndTheSwapWaitsForAPerson() throws Exception {
    String database = TestPostgres.newSampleDatabase("auto_corrupt", 150);
    Map<String, String> atBackup = TestPostgres.fingerprint(database);
    Restores.backup(database, bucket);
    Thread.sleep(1100);
    TestPostgres.execute(database, "UPDATE lots SET quantity = -1 WHERE status = 'released'");
    Map<String, String> damaged = TestPostgres.fingerprint(database);
    String body =
        alertmanager(
            "firing", alert("FlowvizLotsCorrupted", "2.1", database, Instant.now(), "firing"));

    HttpResponse<String> response = post("/triggers/alertmanager", body, bearer(TOKEN));

    assertEquals(200, response.statusCode(), response.body());
    JsonNode incident = JSON.readTree(response.body()).path("incidents").get(0);
    assertEquals("started", incident.path("status").asText(), response.body());
    String id = incident.path("workflowId").asText();
    HandleIncidentWorkflow workflow =
        stack.client.newWorkflowStub(HandleIncidentWorkflow.class, id);
    IncidentProgress waiting = awaitStep(workflow, "approve-swap", Duration.ofMinutes(3));
    assertTrue(waiting.awaiting().contains("--gate swap"), waiting.awaiting());
    assertEquals(
        damaged,
        TestPostgres.fingerprint(database),
        "nothing replaced the live database before a person approved");

    // The on-call engineer answers with the starter, as a script would (--json).
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int exit =
        com.flowviz.dr.starter.StarterCommand.run(
            new java.io.PrintWriter(out),
            new java.io.PrintWriter(err),
            "approve",
            "--address",
            stack.temporal.address(),
            id,
            "--gate",
            "swap",
            "--by",
            "carol",
            "--comment",
            "staged copy checked",
            "--json");
    IncidentResult result = WorkflowStub.fromTyped(workflow).getResult(IncidentResult.class);

    assertEquals(0, exit, out + " " + err);
    JsonNode answer = JSON.readTree(out.toString());
    assertTrue(
        answer.path("approved").asBoolean()
            && answer.path("answer").asText().startsWith("Approved swap by carol"),
        out.toString());
    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    assertEquals(
        atBackup,
        TestPostgres.fingerprint(database),
        "the approved swap put the backup in place, row for row");
    assertTrue(
        result.steps().stream()
            .anyMatch(
                s -> s.step().equals("approve-swap") && s.detail().contains("approved by carol")),
        result.steps().toString());
  }

  // ---- Exactly once per alert episode ----

  @Test
  void repeatedAndConcurrentDeliveriesOfOneAlertStartOneIncidentEvenAfterItEnded()
      throws Exception {
    String body =
        alertmanager(
            "firing",
            alert("FlowvizRegionDown", "2.5", "flowviz", Instant.now().minusSeconds(30), "firing"));
    List<Callable<HttpResponse<String>>> deliveries = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      deliveries.add(() -> post("/triggers/alertmanager", body, bearer(TOKEN)));
    }
    List<String> statuses = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (Future<HttpResponse<String>> f : pool.invokeAll(deliveries)) {
        HttpResponse<String> r = f.get();
        assertEquals(200, r.statusCode(), r.body());
        JsonNode incident = JSON.readTree(r.body()).path("incidents").get(0);
        statuses.add(incident.path("status").asText());
        ids.add(incident.path("workflowId").asText());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(1, statuses.stream().filter("started"::equals).count(), statuses.toString());
    assertEquals(5, statuses.stream().filter("duplicate"::equals).count(), statuses.toString());
    assertEquals(1, ids.stream().distinct().count(), ids.toString());
    String id = ids.get(0);
    endIfRunning(id);

    // Alertmanager repeats a firing alert every repeat_interval: the ended incident is not redone.
    HttpResponse<String> repeat = post("/triggers/alertmanager", body, bearer(TOKEN));
    assertEquals(
        "duplicate",
        JSON.readTree(repeat.body()).path("incidents").get(0).path("status").asText(),
        repeat.body());
    assertEquals(1, executionsOf(id), "one run of " + id);

    // A new episode of the same alert (it resolved and fired again) is a new incident.
    String later =
        alertmanager(
            "firing", alert("FlowvizRegionDown", "2.5", "flowviz", Instant.now(), "firing"));
    JsonNode next =
        JSON.readTree(post("/triggers/alertmanager", later, bearer(TOKEN)).body())
            .path("incidents")
            .get(0);
    assertEquals("started", next.path("status").asText());
    assertNotEquals(id, next.path("workflowId").asText());
    endIfRunning(next.path("workflowId").asText());
  }

  // ---- A real Alertmanager, configured by deploy/alerting/alertmanager.yml ----

  @Test
  @SuppressWarnings("unchecked")
  void aRealAlertmanagerWithTheDeployedRouteDeclaresOneIncidentForAGroupOfAlerts()
      throws Exception {
    // The deployed route and receiver, pointed at this worker: only the URL, the token file and
    // the group wait (30 s in production) change.
    Map<String, Object> config =
        new org.yaml.snakeyaml.Yaml()
            .load(Files.readString(Path.of("..", "deploy", "alerting", "alertmanager.yml")));
    Map<String, Object> route =
        ((List<Map<String, Object>>) ((Map<String, Object>) config.get("route")).get("routes"))
            .get(0);
    route.put("group_wait", "1s");
    Map<String, Object> receiver =
        ((List<Map<String, Object>>) config.get("receivers"))
            .stream()
                .filter(r -> r.get("name").equals(route.get("receiver")))
                .findFirst()
                .orElseThrow();
    Map<String, Object> webhook =
        ((List<Map<String, Object>>) receiver.get("webhook_configs")).get(0);
    Path dir = Files.createTempDirectory("flowviz-dr-alertmanager");
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
    webhook.put("url", base + "/triggers/alertmanager");
    ((Map<String, Object>) ((Map<String, Object>) webhook.get("http_config")).get("authorization"))
        .put("credentials_file", tokenFile.toString());
    Path configFile =
        Files.writeString(
            dir.resolve("alertmanager.yml"), new org.yaml.snakeyaml.Yaml().dump(config));
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process alertmanager =
        new ProcessBuilder(
                alertmanagerBinary(),
                "--config.file=" + configFile,
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=",
                "--log.level=debug")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("alertmanager.log").toFile())
            .start();
    try {
      String api = "http://127.0.0.1:" + port + "/api/v2";
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        try {
          if (http.send(
                      HttpRequest.newBuilder(URI.create(api + "/status")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode()
              == 200) {
            break;
          }
        } catch (java.io.IOException notYet) {
          // still starting
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "Alertmanager did not start: " + Files.readString(dir.resolve("alertmanager.log")));
        }
        Thread.sleep(200);
      }
      String database = TestPostgres.newDatabaseName("flowviz_am");
      // Two alerts that agree on scenario and database: Alertmanager groups them into one
      // notification.
      String alerts =
          "["
              + prometheusAlert(
                  "FlowvizRegionUnreachable", database, Instant.now().minusSeconds(60))
              + ","
              + prometheusAlert("FlowvizApiProbesFailing", database, Instant.now().minusSeconds(30))
              + "]";
      HttpResponse<String> posted =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/alerts"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(alerts))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, posted.statusCode(), posted.body());

      String prefix = "incident-auto-regional-outage-" + database.replace('_', '-') + "-";
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      List<String> incidents = List.of();
      while (System.nanoTime() < until && incidents.isEmpty()) {
        Thread.sleep(500);
        incidents =
            executions()
                .map(e -> e.getExecution().getWorkflowId())
                .filter(id -> id.startsWith(prefix))
                .distinct()
                .toList();
      }
      String log = Files.readString(dir.resolve("alertmanager.log"));
      assertEquals(
          1,
          incidents.size(),
          "one incident for the group: " + incidents + "\nAlertmanager log:\n" + log);
      Thread.sleep(
          2000); // a second notification, had the group been split, would have arrived by now
      assertEquals(
          1,
          executions()
              .map(e -> e.getExecution().getWorkflowId())
              .filter(id -> id.startsWith(prefix))
              .distinct()
              .count());
      endIfRunning(incidents.get(0));
    } finally {
      alertmanager.destroy();
      alertmanager.waitFor();
    }
  }

  private static String alertmanagerBinary() {
    for (String candidate : List.of("/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new AssertionError(
        "Alertmanager is not installed (Debian: apt-get install prometheus-alertmanager; .ci/run"
            + " does)");
  }

  private static String prometheusAlert(String name, String database, Instant startsAt) {
    ObjectNode a = JSON.createObjectNode();
    ObjectNode labels = a.putObject("labels");
    labels.put("alertname", name);
    labels.put("flowviz_scenario", "2.5");
    labels.put("database", database);
    labels.put("severity", "critical");
    a.putObject("annotations").put("summary", name + " for " + database);
    a.put("startsAt", startsAt.toString());
    a.put("generatorURL", "http://prometheus:9090/graph");
    return a.toString();
  }

  // ---- Authentication ----

  @Test
  void unauthenticatedRequestsAreRefusedAndStartNothing() throws Exception {
    String body =
        alertmanager(
            "firing",
            alert(
                "FlowvizRegionDown",
                "2.5",
                "flowviz_unauth",
                Instant.now().minusSeconds(5),
                "firing"));
    long now = Instant.now().getEpochSecond();
    List<Map<String, String>> strangers =
        List.of(
            Map.of(),
            bearer("not-the-token"),
            Map.of(
                "Authorization",
                "Basic "
                    + java.util.Base64.getEncoder()
                        .encodeToString(("x:" + TOKEN).getBytes(StandardCharsets.UTF_8))),
            signed("wrong-key".getBytes(StandardCharsets.UTF_8), now, body),
            signed(
                HMAC_KEY, now - 600,
                body), // signed ten minutes ago: outside the five-minute window
            signed(HMAC_KEY, now + 600, body),
            Map.of(
                RequestAuthenticator.TIMESTAMP_HEADER,
                String.valueOf(now),
                RequestAuthenticator.SIGNATURE_HEADER,
                "sha256=zz"),
            Map.of(
                RequestAuthenticator.SIGNATURE_HEADER,
                RequestAuthenticator.sign(HMAC_KEY, now, body.getBytes(StandardCharsets.UTF_8))));
    for (Map<String, String> headers : strangers) {
      HttpResponse<String> r = post("/triggers/alertmanager", body, headers);
      assertEquals(401, r.statusCode(), headers + " -> " + r.body());
      assertTrue(JSON.readTree(r.body()).path("error").asText().length() > 10, r.body());
    }
    // Had any of them started the incident, this would be a duplicate.
    JsonNode first =
        JSON.readTree(post("/triggers/alertmanager", body, bearer(TOKEN)).body())
            .path("incidents")
            .get(0);
    assertEquals("started", first.path("status").asText());
    endIfRunning(first.path("workflowId").asText());
  }

  @Test
  void aSignedRequestIsAcceptedOnceWithinTheReplayWindow() throws Exception {
    String body =
        alertmanager(
            "firing",
            alert(
                "FlowvizRegionDown",
                "2.5",
                "flowviz_signed",
                Instant.now().minusSeconds(5),
                "firing"));
    Map<String, String> headers = signed(HMAC_KEY, Instant.now().getEpochSecond(), body);

    HttpResponse<String> first = post("/triggers/alertmanager", body, headers);
    HttpResponse<String> replayed = post("/triggers/alertmanager", body, headers);

    assertEquals(200, first.statusCode(), first.body());
    assertEquals(401, replayed.statusCode(), replayed.body());
    assertTrue(replayed.body().contains("already received"), replayed.body());
    endIfRunning(JSON.readTree(first.body()).path("incidents").get(0).path("workflowId").asText());
  }

  // ---- Bad input ----

  @Test
  void malformedNotificationsAreBadRequestsThatSayWhatIsWrong() throws Exception {
    long runsBefore = allRuns();
    Instant now = Instant.now();
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("{\"groupKey\": ", "not an Alertmanager webhook");
    cases.put("[1, 2]", "not an Alertmanager webhook");
    cases.put("{\"status\": \"firing\", \"alerts\": []}", "groupKey is missing");
    cases.put(alertmanager("firing"), "alerts is missing or empty");
    cases.put(
        alertmanager("firing", alert("X", "2.1", "lots; DROP TABLE lots", now, "firing")),
        "is not a PostgreSQL database name");
    cases.put(
        alertmanager("firing", alert("X", "2.9", "flowviz", now, "firing")),
        "is not one of the runbook's scenarios");
    cases.put(
        alertmanager(
            "firing", alert("X", "2.1", "flowviz", now.plus(2, ChronoUnit.HOURS), "firing")),
        "in the future");
    ObjectNode badTime =
        (ObjectNode)
            JSON.readTree(alertmanager("firing", alert("X", "2.1", "flowviz", now, "firing")));
    ((ObjectNode) badTime.path("alerts").get(0)).put("startsAt", "yesterday");
    cases.put(badTime.toString(), "is not an RFC 3339 time");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = post("/triggers/alertmanager", c.getKey(), bearer(TOKEN));
      assertEquals(400, r.statusCode(), c.getKey() + " -> " + r.body());
      assertTrue(r.body().contains(c.getValue()), c.getKey() + " -> " + r.body());
    }
    assertEquals(runsBefore, allRuns(), "nothing was started");
  }

  @Test
  void alertsThePolicyDoesNotCoverStartNothingAndSaySo() throws Exception {
    long runsBefore = allRuns();
    Instant now = Instant.now();
    HttpResponse<String> unmapped =
        post(
            "/triggers/alertmanager",
            alertmanager("firing", alert("DiskAlmostFull", null, "flowviz", now, "firing")),
            bearer(TOKEN));
    HttpResponse<String> refused =
        post(
            "/triggers/alertmanager",
            alertmanager("firing", alert("FlowvizBreach", "ransomware", "flowviz", now, "firing")),
            bearer(TOKEN));
    HttpResponse<String> resolved =
        post(
            "/triggers/alertmanager",
            alertmanager(
                "resolved",
                alert("FlowvizLotsCorrupted", "2.1", "flowviz", now.minusSeconds(600), "resolved")),
            bearer(TOKEN));

    assertEquals(422, unmapped.statusCode(), unmapped.body());
    assertTrue(unmapped.body().contains("maps to no runbook scenario"), unmapped.body());
    assertEquals(403, refused.statusCode(), refused.body());
    assertTrue(
        refused.body().contains("does not let an alert declare 2.4 security-breach"),
        refused.body());
    assertEquals(200, resolved.statusCode(), resolved.body());
    assertTrue(resolved.body().contains("resolved, not firing"), resolved.body());
    assertEquals(runsBefore, allRuns(), "nothing was started");
  }

  // ---- SNS (CloudWatch alarms) ----

  @Test
  void aCloudWatchAlarmDeliveredBySnsIsVerifiedAndDeclaresOneIncident() throws Exception {
    Instant changed = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(2);
    String alarmArn =
        "arn:aws:cloudwatch:us-east-1:123456789012:alarm:flowviz-region-"
            + UUID.randomUUID().toString().substring(0, 6);
    String alarm =
        alarm(alarmArn, "ALARM", "flowviz_scenario=2.5 flowviz_database=flowviz_sns", changed);
    String expectedId =
        IncidentStarter.workflowId(
            new DeclaredIncident(
                Scenario.REGIONAL_OUTAGE,
                "flowviz_sns",
                alarmArn + "|" + changed,
                changed,
                null,
                new Trigger("sns", null, null, null, null)));

    TestMoto.sns().publish(b -> b.topicArn(alarmTopic).message(alarm));

    awaitExecution(expectedId, Duration.ofSeconds(30));
    HttpInbox.Received delivered =
        inbox.await(
            "/alarms",
            b -> b.contains(alarmArn.replace("/", "\\/")) || b.contains(alarmArn),
            Duration.ofSeconds(10));
    // SNS may deliver a message more than once: the same signed message again starts nothing.
    HttpResponse<String> again =
        post(
            "/triggers/sns", delivered.body(), Map.of("Content-Type", "text/plain; charset=UTF-8"));
    assertEquals(200, again.statusCode(), again.body());
    assertEquals(
        "duplicate",
        JSON.readTree(again.body()).path("incidents").get(0).path("status").asText(),
        again.body());
    assertEquals(
        expectedId,
        JSON.readTree(again.body()).path("incidents").get(0).path("workflowId").asText());
    // One changed byte of the alarm, and moto's signature no longer verifies.
    ObjectNode tampered = (ObjectNode) JSON.readTree(delivered.body());
    tampered.put(
        "Message", tampered.path("Message").asText().replace("flowviz_sns", "flowviz_evil"));
    HttpResponse<String> forged = post("/triggers/sns", tampered.toString(), Map.of());
    assertEquals(403, forged.statusCode(), forged.body());
    assertTrue(forged.body().contains("signature"), forged.body());
    assertEquals(1, executionsOf(expectedId));
    endIfRunning(expectedId);
  }

  @Test
  void snsMessagesThatAreUnsignedStaleOrFromAnotherTopicAreRefused() throws Exception {
    long runsBefore = allRuns();
    Instant now = Instant.now();
    String ok =
        alarm(
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x", "OK", "flowviz_scenario=2.1", now);
    String stillOk = signer.notification(signedTopic, ok, now);
    HttpResponse<String> verified = post("/triggers/sns", stillOk, Map.of());
    assertEquals(200, verified.statusCode(), verified.body());
    assertTrue(verified.body().contains("is OK, not ALARM"), verified.body());

    String firing =
        alarm(
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:y",
            "ALARM",
            "flowviz_scenario=2.1",
            now);
    String stale = signer.notification(signedTopic, firing, now.minus(2, ChronoUnit.HOURS));
    assertRefused(post("/triggers/sns", stale, Map.of()), 403, "outside PT1H");
    String otherTopic =
        signer.notification(signedTopic.replace("flowviz-signed", "someone-else"), firing, now);
    assertRefused(post("/triggers/sns", otherTopic, Map.of()), 403, "is not accepted here");
    ObjectNode unsigned = (ObjectNode) JSON.readTree(signer.notification(signedTopic, firing, now));
    unsigned.remove("Signature");
    assertRefused(post("/triggers/sns", unsigned.toString(), Map.of()), 403, "signature");
    ObjectNode elsewhere =
        (ObjectNode) JSON.readTree(signer.notification(signedTopic, firing, now));
    elsewhere.put("SigningCertURL", "https://attacker.example.com/" + SnsTestSigner.CERT_NAME);
    assertRefused(post("/triggers/sns", elsewhere.toString(), Map.of()), 403, "signature");
    assertRefused(post("/triggers/sns", "hello", Map.of()), 400, "not an SNS message");
    assertRefused(
        post(
            "/triggers/sns",
            signer.notification(signedTopic, "plain text, not an alarm", now),
            Map.of()),
        422,
        "not a CloudWatch alarm");
    assertEquals(runsBefore, allRuns(), "nothing was started");
  }

  @Test
  void aSignedSubscriptionConfirmationIsConfirmedAtSnsOwnEndpoint() throws Exception {
    String token = "token-" + UUID.randomUUID();
    String subscribeUrl =
        "https://sns."
            + TestMoto.REGION
            + ".amazonaws.com/?Action=ConfirmSubscription&TopicArn="
            + signedTopic
            + "&Token="
            + token;

    HttpResponse<String> r =
        post(
            "/triggers/sns",
            signer.subscriptionConfirmation(signedTopic, token, subscribeUrl, Instant.now()),
            Map.of());

    assertEquals(200, r.statusCode(), r.body());
    assertTrue(
        SnsSigningViaMoto.requested.stream().anyMatch(u -> u.toString().contains("Token=" + token)),
        SnsSigningViaMoto.requested.toString());
    String evil = "https://attacker.example.com/?Action=ConfirmSubscription&Token=" + token;
    assertRefused(
        post(
            "/triggers/sns",
            signer.subscriptionConfirmation(signedTopic, token, evil, Instant.now()),
            Map.of()),
        403,
        "not SNS's own");
  }

  // ---- helpers ----

  private static void assertRefused(HttpResponse<String> r, int status, String because) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.body().contains(because), "expected \"" + because + "\" in " + r.body());
  }

  private HttpResponse<String> post(String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!headers.containsKey("Content-Type")) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  private static Map<String, String> signed(byte[] key, long at, String body) {
    return Map.of(
        RequestAuthenticator.TIMESTAMP_HEADER,
        String.valueOf(at),
        RequestAuthenticator.SIGNATURE_HEADER,
        RequestAuthenticator.sign(key, at, body.getBytes(StandardCharsets.UTF_8)));
  }

  /** An Alertmanager v4 webhook body, as Alertmanager 0.27 sends it. */
  private static String alertmanager(String status, ObjectNode... alerts) {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", "4");
    n.put(
        "groupKey",
        "{}:{alertname=\""
            + (alerts.length == 0 ? "none" : alerts[0].path("labels").path("alertname").asText())
            + "\"}");
    n.put("truncatedAlerts", 0);
    n.put("status", status);
    n.put("receiver", "flowviz-dr");
    n.putObject("groupLabels");
    n.putObject("commonLabels");
    n.putObject("commonAnnotations");
    n.put("externalURL", "http://alertmanager:9093");
    n.putArray("alerts").addAll(List.of(alerts));
    return n.toString();
  }

  private static ObjectNode alert(
      String name, String scenario, String database, Instant startsAt, String status) {
    ObjectNode a = JSON.createObjectNode();
    a.put("status", status);
    ObjectNode labels = a.putObject("labels");
    labels.put("alertname", name);
    labels.put("severity", "critical");
    if (scenario != null) {
      labels.put("flowviz_scenario", scenario);
    }
    labels.put("database", database);
    a.putObject("annotations").put("summary", name + " on " + database);
    a.put("startsAt", startsAt.toString());
    a.put("endsAt", "0001-01-01T00:00:00Z");
    a.put("generatorURL", "http://prometheus:9090/graph?g0.expr=up");
    a.put("fingerprint", Integer.toHexString(name.hashCode()));
    return a;
  }

  private static String alarm(String arn, String state, String description, Instant changed) {
    ObjectNode a = JSON.createObjectNode();
    a.put("AlarmName", arn.substring(arn.lastIndexOf(':') + 1));
    a.put("AlarmDescription", description);
    a.put("AWSAccountId", "123456789012");
    a.put("NewStateValue", state);
    a.put(
        "NewStateReason",
        "Threshold Crossed: 1 datapoint [0.0] was less than the threshold (1.0).");
    // CloudWatch writes its times with a "+0000" offset.
    a.put("StateChangeTime", changed.toString().replace("Z", "+0000"));
    a.put("Region", "US East (N. Virginia)");
    a.put("AlarmArn", arn);
    a.put("OldStateValue", "OK");
    return a.toString();
  }

  private static IncidentProgress awaitStep(
      HandleIncidentWorkflow workflow, String step, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    IncidentProgress last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = workflow.progress();
        if (step.equals(last.currentStep())) {
          return last;
        }
      } catch (RuntimeException notYet) {
        // the first workflow task has not run
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the incident never reached " + step + "; last progress " + last);
  }

  private static void endIfRunning(String workflowId) {
    try {
      stack.client.newUntypedWorkflowStub(workflowId).terminate("test over");
    } catch (RuntimeException alreadyClosed) {
      // it ended on its own
    }
  }

  private static Stream<WorkflowExecutionInfo> executions() {
    var service = stack.client.getWorkflowServiceStubs().blockingStub();
    var open =
        service.listOpenWorkflowExecutions(
            ListOpenWorkflowExecutionsRequest.newBuilder()
                .setNamespace("default")
                .setMaximumPageSize(1000)
                .build());
    var closed =
        service.listClosedWorkflowExecutions(
            ListClosedWorkflowExecutionsRequest.newBuilder()
                .setNamespace("default")
                .setMaximumPageSize(1000)
                .build());
    return Stream.concat(open.getExecutionsList().stream(), closed.getExecutionsList().stream());
  }

  private static long executionsOf(String workflowId) {
    return executions().filter(e -> e.getExecution().getWorkflowId().equals(workflowId)).count();
  }

  /** Every run this worker's Temporal server has seen: refusals must leave it as it was. */
  private static long allRuns() {
    return executions().count();
  }

  private static void awaitExecution(String workflowId, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (executionsOf(workflowId) > 0) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no incident "
            + workflowId
            + " was started; executions: "
            + executions().map(e -> e.getExecution().getWorkflowId()).toList());
  }
}
