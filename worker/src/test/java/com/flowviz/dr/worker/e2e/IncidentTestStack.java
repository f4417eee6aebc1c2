package com.flowviz.dr.worker.e2e;

import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.HttpInbox;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A worker configured for incidents, once per test JVM: notifications to an SNS topic and to Slack,
 * PagerDuty and plain webhooks (all landing in one loopback inbox), an isolated backup bucket with
 * a trusted signer key, an application role whose credentials a breach rotates, a stand-in
 * application that reads them, and a compliance bucket for reports. Its own Temporal server and
 * worker keep these settings away from the other end-to-end tests.
 */
final class IncidentTestStack {

  static final String APP_SECRET = "flowviz/app/database";
  static final String SESSION_SECRET = "flowviz/app/session-key";
  static final String SIGNER = "backup-signer@flowviz.com";
  static final String ROUTING_KEY_SECRET = "flowviz/notify/pagerduty-routing-key";

  private static IncidentTestStack instance;

  final WorkerTestStack worker;
  final HttpInbox inbox;
  final TestApplication application;
  final String isolatedBucket;
  final String reportBucket;
  final String appRole;
  final String appDatabase = TestPostgres.newSampleDatabase("flowviz_live", 200);
  final GpgHome signerKeys;
  final String pagerDutyRoutingKey = "routing-key-" + System.nanoTime();

  private IncidentTestStack() throws IOException {
    inbox = HttpInbox.start();
    var s3 = TestMoto.s3();
    var secrets = TestMoto.secretsManager();
    isolatedBucket = TestMoto.newBucket(s3, "flowviz-isolated");
    reportBucket = TestMoto.newBucket(s3, "flowviz-compliance");
    String topic = TestMoto.newTopicDeliveringTo(TestMoto.sns(), inbox.url("/sns"));
    appRole = TestPostgres.newDatabaseName("flowviz_app");
    TestPostgres.execute(
        "postgres", "CREATE ROLE " + appRole + " LOGIN PASSWORD 'initial-app-password'");
    // Least privilege, as FlowViz runs: the application reads and writes its tables, owns nothing.
    TestPostgres.execute(
        appDatabase,
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + appRole);
    put(
        secrets,
        APP_SECRET,
        "{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":"
            + TestPostgres.settings().port()
            + ",\"dbname\":\""
            + appDatabase
            + "\",\"username\":\""
            + appRole
            + "\",\"password\":\"initial-app-password\"}");
    put(secrets, ROUTING_KEY_SECRET, pagerDutyRoutingKey);
    application = new TestApplication(secrets, APP_SECRET);
    application.loadCredentials();

    signerKeys = GpgHome.create();
    signerKeys.generateKey(SIGNER, GpgHome.KeyType.CURVE25519, null);
    Path dir = Files.createTempDirectory("flowviz-dr-incident-stack");
    Path signers =
        Files.write(dir.resolve("signers.asc"), signerKeys.exportPublicKey(SIGNER, true));

    Map<String, Object> properties = new HashMap<>();
    properties.put("flowviz.worker.host-name", "incident-host");
    properties.put("flowviz.notify.sns-topic-arn", topic);
    properties.put(
        "flowviz.notify.webhooks",
        List.of(
            "slack=" + inbox.url("/slack/T0/B0/hook-token"),
            "pagerduty=" + inbox.url("/pagerduty"),
            "generic=" + inbox.url("/generic")));
    properties.put("flowviz.notify.pagerduty-routing-key-secret", ROUTING_KEY_SECRET);
    properties.put("flowviz.incident.isolated-bucket", isolatedBucket);
    properties.put("flowviz.incident.isolated-region", TestMoto.REGION);
    properties.put("flowviz.incident.rotate-roles", List.of(appRole));
    properties.put("flowviz.incident.application-role", appRole);
    properties.put("flowviz.incident.application-secret-id", APP_SECRET);
    properties.put("flowviz.incident.application-database", appDatabase);
    // Restores keep owners and grants (issue 15): 6.1 checks as the application's own role, and
    // verification reads every table granted to it before anything is swapped.
    properties.put("flowviz.incident.trace-as-application-role", true);
    properties.put("flowviz.incident.rotate-secrets", List.of(SESSION_SECRET));
    properties.put("flowviz.incident.report-bucket", reportBucket);
    properties.put("flowviz.gpg.signer-public-key-file", signers.toString());
    // With signer keys every restore proves its backup authentic: the worker's own signing key is
    // trusted too.
    // (read at each check, so it is written once the stack has made the keys)
    Path trustedSigners = dir.resolve("trusted-signers.json");
    properties.put("flowviz.gpg.trusted-signers-file", trustedSigners.toString());
    properties.put(
        "flowviz.application.restart-command",
        List.of("curl", "-fsS", "-X", "POST", application.url("/restart")));
    properties.put(
        "flowviz.application.health-endpoints", List.of(application.url("/api/v1/health")));
    properties.put("flowviz.application.connectivity-deadline", "20s");
    worker = WorkerTestStack.withSettings(properties);
    Files.write(
        trustedSigners,
        com.flowviz.dr.activities.json.Json.write(
            List.of(
                Map.of(
                    "name",
                    "worker-signing",
                    "publicKey",
                    new String(
                        worker.gpg.exportPublicKey(WorkerTestStack.SIGNING_EMAIL, true),
                        java.nio.charset.StandardCharsets.US_ASCII)))));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  inbox.close();
                  application.close();
                  signerKeys.close();
                }));
  }

  static synchronized IncidentTestStack get() {
    if (instance == null) {
      try {
        instance = new IncidentTestStack();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  private static void put(
      software.amazon.awssdk.services.secretsmanager.SecretsManagerClient secrets,
      String id,
      String value) {
    try {
      secrets.createSecret(b -> b.name(id).secretString(value));
    } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException e) {
      secrets.putSecretValue(b -> b.secretId(id).secretString(value));
    }
  }
}
