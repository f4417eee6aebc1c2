package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.provision.terraform.TerraformCli;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflow;
import com.flowviz.dr.workflows.failover.DnsApproval;
import com.flowviz.dr.workflows.failover.FailoverProgress;
import com.flowviz.dr.workflows.failover.FailoverRequest;
import com.flowviz.dr.workflows.failover.FailoverResult;
import com.sun.net.httpserver.HttpServer;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runbook 4.4 and failback through the real worker: buckets in two regions and Route53 in moto, the
 * regional stack from the real terraform binary, a local HTTP server as the public health URL.
 */
class FailoverEndToEndTest {

  private final WorkerTestStack stack = WorkerTestStack.get();
  private final S3Client west = AwsClients.s3("us-west-2", stack.proxy.endpoint());
  private final Route53Client route53 = TestMoto.route53();
  private HttpServer health;

  @AfterEach
  void tearDown() {
    if (health != null) {
      health.stop(0);
    }
    TerraformCli terraform =
        new TerraformCli(
            RequiredTools.find("terraform"),
            stack.terraform.resolve("dr-stack"),
            Duration.ofMinutes(5));
    for (String[] workspace : new String[][] {{"prod-dr", "us-west-2"}, {"prod", "us-east-1"}}) {
      if (terraform.hasWorkspace(workspace[0])) {
        terraform.destroy(
            workspace[0],
            Map.of("region", workspace[1], "state_dir", stack.stacks.toString()),
            Map.of("db_password", "unused"));
      }
    }
  }

  @Test
  void failsOverAfterApprovalFromTheStarterAndFailsBackWithTheRolesSwapped() throws Exception {
    String source = TestPostgres.newSampleDatabase("flowviz", 300);
    String primary = TestMoto.newBucket(stack.s3, "flowviz-backups", "us-east-1");
    String dr = TestMoto.newBucket(west, "flowviz-backups-prod-us-west-2", "us-west-2");
    BackupResult backup = Restores.backup(source, primary);
    replicate(primary, dr, backup.key());
    replicate(primary, dr, backup.manifestKey());
    String zone = TestMoto.newHostedZone(route53);
    String healthUrl = startHealthServer();
    String id = "failover-" + UUID.randomUUID();
    WorkflowStub failover =
        stack.client.newUntypedWorkflowStub(
            "CrossRegionFailover",
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
    failover.start(
        FailoverRequest.builder()
            .direction("failover")
            .sourceBucket(dr)
            .sourceRegion("us-west-2")
            .compareBucket(primary)
            .compareRegion("us-east-1")
            .hostedZoneId(zone)
            .healthUrl(healthUrl)
            .healthDeadline("PT30S")
            .databaseName("flowviz")
            .operator("erin")
            .reason("us-east-1 outage")
            .build());

    FailoverProgress waiting = awaitGate(id);
    assertEquals("dns-switch", waiting.pendingGate());
    assertEquals(
        List.of("api.us-east-1.flowviz.test"),
        TestMoto.recordValues(route53, zone, "api.flowviz.test"),
        "no DNS change before approval");
    assertEquals(
        Duration.ZERO,
        waiting.freshness().replicationLag(),
        "the DR bucket has the primary's newest backup");

    StringWriter out = new StringWriter();
    assertEquals(
        0,
        StarterCommand.run(
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "approve",
            id,
            "--address",
            stack.temporal.address(),
            "--by",
            "frank",
            "--comment",
            "region down for 40 min"));
    assertTrue(out.toString().contains("Approved dns-switch by frank"), out.toString());
    FailoverResult result = failover.getResult(3, TimeUnit.MINUTES, FailoverResult.class);

    assertEquals(FailoverResult.SWITCHED, result.outcome());
    assertEquals(
        List.of("api.us-west-2.flowviz.test"),
        TestMoto.recordValues(route53, zone, "api.flowviz.test"));
    assertEquals("us-west-2", result.restore().backup().region());
    assertTrue(result.restore().verification().passed());
    assertEquals(
        TestPostgres.fingerprint(source),
        fingerprint(
            result.stack().database().host(),
            result.stack().database().port(),
            result.stack().database().passwordSecret()),
        "the DR database holds the backup row for row");

    FailoverResult back =
        stack
            .client
            .newWorkflowStub(
                CrossRegionFailoverWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(TaskQueues.DR)
                    .setWorkflowId("failback-" + UUID.randomUUID())
                    .build())
            .failover(
                FailoverRequest.builder()
                    .direction("failback")
                    .sourceBucket(primary)
                    .compareBucket(dr)
                    .hostedZoneId(zone)
                    .healthUrl(healthUrl)
                    .healthDeadline("PT30S")
                    .databaseName("flowviz")
                    .dnsApproval(new DnsApproval("pre-approved", "change CAB-7"))
                    .operator("erin")
                    .reason("primary region restored")
                    .build());

    assertEquals(FailoverResult.SWITCHED, back.outcome());
    assertEquals("prod", back.stack().workspace());
    assertEquals(
        List.of("api.us-east-1.flowviz.test"),
        TestMoto.recordValues(route53, zone, "api.flowviz.test"));
  }

  private void replicate(String from, String to, String key) {
    west.copyObject(
        b -> b.sourceBucket(from).sourceKey(key).destinationBucket(to).destinationKey(key));
  }

  private FailoverProgress awaitGate(String id) throws InterruptedException {
    CrossRegionFailoverWorkflow workflow =
        stack.client.newWorkflowStub(CrossRegionFailoverWorkflow.class, id);
    for (int i = 0; i < 1200; i++) {
      var status = stack.client.newUntypedWorkflowStub(id).describe().getStatus();
      if (status
          != io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        stack
            .client
            .newUntypedWorkflowStub(id)
            .getResult(FailoverResult.class); // throws the failure
        throw new AssertionError("the failover ended before its gate: " + status);
      }
      try {
        FailoverProgress progress = workflow.progress();
        if (progress.pendingGate() != null) {
          return progress;
        }
      } catch (RuntimeException ignored) {
        // not started yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the failover never reached its gate");
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

  private Map<String, String> fingerprint(String host, int port, String passwordSecret)
      throws Exception {
    String password = stack.secrets.getSecretValue(b -> b.secretId(passwordSecret)).secretString();
    PgClient pg = new PgClient(new PgConnectionSettings(host, port, "admin", password, null));
    Map<String, String> result = new java.util.LinkedHashMap<>();
    try (Connection c = pg.connect("flowviz")) {
      List<String> tables = new java.util.ArrayList<>();
      try (ResultSet rs =
          c.createStatement()
              .executeQuery(
                  "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY"
                      + " tablename")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY"
                        + " md5(t::text))), '-') FROM "
                        + PgClient.quote(table)
                        + " t")) {
          rs.next();
          result.put(table, rs.getString(1));
        }
      }
    }
    return result;
  }
}
