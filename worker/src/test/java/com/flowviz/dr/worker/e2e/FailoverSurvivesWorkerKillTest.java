package com.flowviz.dr.worker.e2e;

import static com.flowviz.dr.worker.e2e.SeparateWorkerStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.provision.terraform.TerraformCli;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflow;
import com.flowviz.dr.workflows.failover.DnsApproval;
import com.flowviz.dr.workflows.failover.FailoverRequest;
import com.flowviz.dr.workflows.failover.FailoverResult;
import com.sun.net.httpserver.HttpServer;
import io.temporal.client.WorkflowStub;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runbook 4.4 with the worker killed (SIGKILL) right after it sent ChangeResourceRecordSets: the
 * new worker does not send a second change, and the failover goes on to the INSYNC wait.
 */
class FailoverSurvivesWorkerKillTest {

  @TempDir Path dir;

  @Test
  void exactlyOneDnsChangeIsSentAcrossAWorkerKill() throws Exception {
    String source = TestPostgres.newSampleDatabase("flowviz", 200);
    HttpServer health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    health.createContext(
        "/health",
        exchange -> {
          exchange.sendResponseHeaders(200, 2);
          exchange.getResponseBody().write("ok".getBytes());
          exchange.close();
        });
    health.start();
    try (SeparateWorkerStack stack = new SeparateWorkerStack(dir)) {
      S3Client west = AwsClients.s3("us-west-2", stack.proxy.endpoint());
      String primary = TestMoto.newBucket(stack.s3, "flowviz-backups", "us-east-1");
      String dr = TestMoto.newBucket(west, "flowviz-backups-prod-us-west-2", "us-west-2");
      Route53Client route53 = TestMoto.route53();
      String zone = TestMoto.newHostedZone(route53);
      WorkerProcess worker = stack.startWorker();
      try {
        BackupResult backup =
            stack
                .client
                .newWorkflowStub(
                    BackupWorkflow.class,
                    SeparateWorkerStack.options("backup-" + System.nanoTime()))
                .backup(
                    BackupRequest.builder()
                        .sourceDatabase(source)
                        .bucket(primary)
                        .operator("schedule")
                        .build());
        for (String key : List.of(backup.key(), backup.manifestKey())) {
          west.copyObject(
              b ->
                  b.sourceBucket(primary).sourceKey(key).destinationBucket(dr).destinationKey(key));
        }
        stack.proxy.holdDnsChanges(true);
        String id = "failover-" + System.nanoTime();
        WorkflowStub failover =
            stack.client.newUntypedWorkflowStub(
                "CrossRegionFailover", SeparateWorkerStack.options(id));
        failover.start(
            FailoverRequest.builder()
                .direction("failover")
                .sourceBucket(dr)
                .sourceRegion("us-west-2")
                .compareBucket(primary)
                .compareRegion("us-east-1")
                .hostedZoneId(zone)
                .healthUrl("http://127.0.0.1:" + health.getAddress().getPort() + "/health")
                .healthDeadline("PT30S")
                .databaseName("flowviz")
                .dnsApproval(new DnsApproval("pre-approved", "drill policy"))
                .operator("erin")
                .reason("kill drill")
                .build());

        await(
            "ChangeResourceRecordSets was sent",
            Duration.ofSeconds(120),
            () -> stack.proxy.dnsChangeRequests() >= 1);
        worker.kill();
        worker = stack.startWorker();
        CrossRegionFailoverWorkflow typed =
            stack.client.newWorkflowStub(CrossRegionFailoverWorkflow.class, id);
        // The killed attempt may or may not have recorded the change id before it died; either way
        // the
        // new worker must finish switch-dns without a second change (by the id, or by finding the
        // records already switched, in which case the INSYNC wait passes at once).
        await(
            "the new worker finishes switch-dns",
            Duration.ofSeconds(150),
            () -> switchFinished(typed));
        stack.proxy.holdDnsChanges(false);

        FailoverResult result = failover.getResult(3, TimeUnit.MINUTES, FailoverResult.class);

        assertEquals(FailoverResult.SWITCHED, result.outcome());
        assertEquals(1, stack.proxy.dnsChangeRequests(), "exactly one ChangeResourceRecordSets");
        assertEquals(
            List.of("api.us-west-2.flowviz.test"),
            TestMoto.recordValues(route53, zone, "api.flowviz.test"));
      } catch (AssertionError | RuntimeException e) {
        System.out.println("Worker log:\n" + worker.log());
        throw e;
      } finally {
        worker.close();
        TerraformCli terraform =
            new TerraformCli(
                RequiredTools.find("terraform"),
                stack.terraform.resolve("dr-stack"),
                Duration.ofMinutes(5));
        if (terraform.hasWorkspace("prod-dr")) {
          terraform.destroy(
              "prod-dr",
              Map.of("region", "us-west-2", "state_dir", stack.stacks.toString()),
              Map.of("db_password", "unused"));
        }
      }
    } finally {
      health.stop(0);
    }
  }

  private static boolean switchFinished(CrossRegionFailoverWorkflow workflow) {
    try {
      return workflow.progress().steps().stream()
          .anyMatch(s -> s.step().equals("switch-dns") && s.finishedAt() != null);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
