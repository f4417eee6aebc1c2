package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.provision.terraform.TerraformCli;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.failover.DnsApproval;
import com.flowviz.dr.workflows.failover.FailoverRequest;
import com.flowviz.dr.workflows.failover.FailoverResult;
import com.sun.net.httpserver.HttpServer;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Scenario 2.5 with the primary region really gone: us-east-1 is a moto_server of its own, stopped
 * before the failover starts (its port refuses connections), or a listener that takes connections
 * and never answers (a region that hangs); us-west-2 is the shared moto. The worker runs as the DR
 * replica would: its region us-west-2, each region through its own endpoint
 * (flowviz.storage.region-endpoints), the backup key read from replica secrets in us-west-2, its
 * audit store a PostgreSQL that is not in the failed region. The failover must complete from the DR
 * side, name the comparison it could not make, and find out within seconds that us-east-1 is down.
 *
 * <p>Time budget: about 15 s when us-east-1 refuses, 45 s when it hangs (the freshness check waits
 * its 30 s for the primary bucket), each a backup, a terraform stack and a restore; at most 2
 * minutes.
 */
class PrimaryRegionOutageFailoverTest {

  private static final String PRIMARY = "us-east-1";
  private static final String DR = "us-west-2";

  private final WorkerTestStack shared = WorkerTestStack.get();
  private final Route53Client route53 = TestMoto.route53();
  private RegionalMoto primaryRegion;
  private WorkerTestStack drWorker;
  private HttpServer health;
  private java.net.ServerSocket hung;

  /** How us-east-1 fails. */
  enum Outage {
    /** Its server process is stopped: every connection is refused at once. */
    REFUSES,
    /** Connections open (the kernel's backlog takes them) and no byte ever comes back. */
    HANGS
  }

  @AfterEach
  void tearDown() throws Exception {
    if (health != null) {
      health.stop(0);
    }
    if (primaryRegion != null) {
      primaryRegion.close();
    }
    if (hung != null) {
      hung.close();
    }
    if (drWorker != null) {
      TerraformCli terraform =
          new TerraformCli(
              RequiredTools.find("terraform"),
              drWorker.terraform.resolve("dr-stack"),
              Duration.ofMinutes(5));
      if (terraform.hasWorkspace("prod-dr")) {
        terraform.destroy(
            "prod-dr",
            Map.of("region", DR, "state_dir", drWorker.stacks.toString()),
            Map.of("db_password", "unused"));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Outage.class)
  void theFailoverCompletesFromTheDrSideWhileThePrimaryRegionIsUnreachable(Outage outage)
      throws Exception {
    long began = System.nanoTime();
    // Before the outage: a backup replicated to the DR bucket, the primary bucket in its own
    // region.
    String source = TestPostgres.newSampleDatabase("flowviz", 200);
    String made = TestMoto.newBucket(shared.s3, "flowviz-backups-made", PRIMARY);
    BackupResult backup = Restores.backup(source, made);
    primaryRegion = RegionalMoto.start();
    S3Client primaryS3 = AwsClients.s3(PRIMARY, primaryRegion.endpoint());
    S3Client drS3 = AwsClients.s3(DR, TestMoto.endpoint());
    String primaryBucket = TestMoto.newBucket(primaryS3, "flowviz-backups", PRIMARY);
    String drBucket = TestMoto.newBucket(drS3, "flowviz-backups-prod-us-west-2", DR);
    for (String key : List.of(backup.key(), backup.manifestKey())) {
      byte[] object = shared.s3.getObjectAsBytes(b -> b.bucket(made).key(key)).asByteArray();
      primaryS3.putObject(b -> b.bucket(primaryBucket).key(key), RequestBody.fromBytes(object));
      drS3.putObject(b -> b.bucket(drBucket).key(key), RequestBody.fromBytes(object));
    }
    // The secrets the DR worker needs, as Secrets Manager replica secrets hold them in us-west-2.
    SecretsManagerClient drSecrets = AwsClients.secretsManager(DR, TestMoto.endpoint());
    for (String id : List.of(WorkerTestStack.KEY_SECRET, WorkerTestStack.PASSPHRASE_SECRET)) {
      String value = shared.secrets.getSecretValue(b -> b.secretId(id)).secretString();
      try {
        drSecrets.createSecret(b -> b.name(id).secretString(value));
      } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException e) {
        drSecrets.putSecretValue(b -> b.secretId(id).secretString(value));
      }
    }
    String zone = TestMoto.newHostedZone(route53);
    String healthUrl = startHealthServer();
    String primaryEndpoint = primaryRegion.endpoint();
    if (outage == Outage.HANGS) {
      hung =
          new java.net.ServerSocket(
              0, 50, java.net.InetAddress.getLoopbackAddress()); // never accepts, never answers
      primaryEndpoint = "http://127.0.0.1:" + hung.getLocalPort();
    }
    drWorker =
        WorkerTestStack.withSettings(
            Map.of(
                "flowviz.storage.region",
                DR,
                "flowviz.storage.region-endpoints",
                List.of(PRIMARY + "=" + primaryEndpoint, DR + "=" + TestMoto.endpoint())));

    // The outage: us-east-1 stops answering.
    primaryRegion.stop();
    if (outage == Outage.REFUSES) {
      assertThrows(
          SdkClientException.class,
          () -> primaryS3.headBucket(b -> b.bucket(primaryBucket)),
          "us-east-1 is down");
    }

    String id = "failover-region-down-" + UUID.randomUUID();
    WorkflowStub failover =
        drWorker.client.newUntypedWorkflowStub(
            "CrossRegionFailover",
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
    long started = System.nanoTime();
    failover.start(
        FailoverRequest.builder()
            .direction("failover")
            .sourceBucket(drBucket)
            .sourceRegion(DR)
            .compareBucket(primaryBucket)
            .compareRegion(PRIMARY)
            .hostedZoneId(zone)
            .healthUrl(healthUrl)
            .healthDeadline("PT30S")
            .databaseName("flowviz")
            .dnsApproval(new DnsApproval("pre-approved", "region-down policy"))
            .operator("erin")
            .reason("us-east-1 unreachable")
            .build());
    FailoverResult result = failover.getResult(2, TimeUnit.MINUTES, FailoverResult.class);
    Duration failoverTook = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(FailoverResult.SWITCHED, result.outcome(), result.steps().toString());
    assertFalse(result.freshness().compared().reachable(), "the primary bucket was never read");
    StepRecord freshness = step(result, "check-backup-freshness");
    assertEquals(StepRecord.SUCCEEDED, freshness.outcome());
    assertTrue(
        freshness.duration().compareTo(Duration.ofSeconds(35)) < 0,
        "an unreachable region is found out within the freshness check's 30 s, not a retry budget: "
            + freshness.duration());
    StepRecord skipped = step(result, "compare-replication-lag");
    assertEquals(StepRecord.SKIPPED, skipped.outcome());
    assertTrue(
        skipped
            .detail()
            .startsWith(
                PRIMARY + " unreachable: replication lag not measured, s3://" + primaryBucket),
        skipped.detail());
    assertEquals(DR, result.restore().backup().region());
    assertTrue(result.restore().verification().passed());
    assertEquals(
        List.of("api.us-west-2.flowviz.test"),
        TestMoto.recordValues(route53, zone, "api.flowviz.test"));
    // The new database's password went to Secrets Manager in us-west-2, where the DR side reads it.
    assertEquals(
        TestPostgres.fingerprint(source),
        fingerprint(result, drSecrets),
        "the DR database holds the backup row for row");
    System.out.printf(
        "2.5 with %s %s: freshness check %d ms, failover %d s, test %d s%n",
        PRIMARY,
        outage,
        freshness.duration().toMillis(),
        failoverTook.toSeconds(),
        Duration.ofNanos(System.nanoTime() - began).toSeconds());
  }

  private static StepRecord step(FailoverResult result, String name) {
    return result.steps().stream()
        .filter(s -> s.step().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step " + name + " in " + result.steps()));
  }

  private String startHealthServer() throws Exception {
    health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    health.createContext(
        "/health",
        exchange -> {
          byte[] body = "{\"status\":\"ok\"}".getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    health.start();
    return "http://127.0.0.1:" + health.getAddress().getPort() + "/health";
  }

  private static Map<String, String> fingerprint(
      FailoverResult result, SecretsManagerClient secrets) throws Exception {
    var database = result.stack().database();
    String password =
        secrets.getSecretValue(b -> b.secretId(database.passwordSecret())).secretString();
    PgClient pg =
        new PgClient(
            new PgConnectionSettings(database.host(), database.port(), "admin", password, null));
    Map<String, String> tables = new java.util.LinkedHashMap<>();
    try (Connection c = pg.connect("flowviz");
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY"
                        + " tablename")) {
      while (rs.next()) {
        tables.put(rs.getString(1), null);
      }
      for (String table : tables.keySet()) {
        try (ResultSet counted =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY"
                        + " md5(t::text))), '-') FROM "
                        + PgClient.quote(table)
                        + " t")) {
          counted.next();
          tables.put(table, counted.getString(1));
        }
      }
    }
    return tables;
  }
}
