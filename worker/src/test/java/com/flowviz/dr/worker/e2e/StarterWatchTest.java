package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `flowviz-dr watch` on a restore whose download is slowed down: bytes, rate and ETA as it runs;
 * then `recoveries` lists it.
 */
class StarterWatchTest {

  private final WorkerTestStack stack = WorkerTestStack.get();

  @Test
  void watchShowsTheTransferGrowingWithRateAndEtaUntilTheRestoreEnds() throws Exception {
    String live = TestPostgres.newSampleDatabase("flowviz", 2000);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Restores.backup(live, bucket);
    stack.proxy.throttleDownloads(100 * 1024);
    try {
      RestoreFromBackupWorkflow restore =
          stack.client.newWorkflowStub(
              RestoreFromBackupWorkflow.class, Restores.options("restore-watch"));
      String id =
          WorkflowClient.start(restore::restore, Restores.latest(bucket, live)).getWorkflowId();

      // A person's view of the same run, at the same time.
      StringWriter human = new StringWriter();
      int[] humanExit = new int[1];
      Thread person =
          new Thread(
              () ->
                  humanExit[0] =
                      StarterCommand.run(
                          new PrintWriter(human),
                          new PrintWriter(new StringWriter()),
                          "watch",
                          id,
                          "--interval",
                          "PT0.25S",
                          "--address",
                          stack.temporal.address()));
      person.start();

      StringWriter json = new StringWriter();
      int exit =
          StarterCommand.run(
              new PrintWriter(json),
              new PrintWriter(new StringWriter()),
              "watch",
              id,
              "--json",
              "--interval",
              "PT0.25S",
              "--address",
              stack.temporal.address());

      assertEquals(0, exit, json.toString());
      List<JsonNode> looks = new ArrayList<>();
      for (String line : json.toString().split("\n")) {
        looks.add(new ObjectMapper().readTree(line));
      }
      List<JsonNode> transfer = looks.stream().filter(l -> l.path("bytes").isNumber()).toList();
      assertTrue(
          transfer.stream()
              .allMatch(l -> l.path("activity").asText().equals("DownloadAndDecryptBackup")),
          "bytes come from the download only: " + json);
      assertTrue(transfer.size() >= 3, "several looks during the transfer: " + json);
      long total = transfer.get(0).path("totalBytes").asLong();
      assertTrue(total > 0, json.toString());
      for (int i = 1; i < transfer.size(); i++) {
        assertTrue(
            transfer.get(i).path("bytes").asLong() >= transfer.get(i - 1).path("bytes").asLong(),
            "bytes only grow: " + json);
      }
      assertTrue(
          transfer.stream()
              .anyMatch(l -> l.path("bytes").asLong() > 0 && l.path("bytes").asLong() < total),
          "part way: " + json);
      assertTrue(
          transfer.stream()
              .anyMatch(
                  l -> l.path("bytesPerSecond").asLong() > 0 && l.path("etaSeconds").isNumber()),
          "a rate and an ETA: " + json);
      assertEquals("COMPLETED", looks.get(looks.size() - 1).path("status").asText());

      person.join(60_000);
      assertEquals(0, humanExit[0], human.toString());
      assertTrue(human.toString().contains("step: download-and-decrypt-backup"), human.toString());
      assertTrue(human.toString().contains(" MB"), "a progress bar in MB: " + human);
      assertTrue(human.toString().contains(id + " completed"), human.toString());

      // ...and it is listed among the recoveries, with the search attributes it set.
      StringWriter listed = new StringWriter();
      assertEquals(
          0,
          StarterCommand.run(
              new PrintWriter(listed),
              new PrintWriter(new StringWriter()),
              "recoveries",
              "--json",
              "--limit",
              "1000",
              "--address",
              stack.temporal.address()));
      JsonNode recovery = null;
      for (JsonNode r : new ObjectMapper().readTree(listed.toString())) {
        if (r.path("workflowId").asText().equals(id)) {
          recovery = r;
        }
      }
      assertTrue(recovery != null, "the restore is listed: " + listed);
      assertEquals("RestoreFromBackup", recovery.path("workflowType").asText());
      assertEquals("COMPLETED", recovery.path("status").asText());
      assertEquals("4.1", recovery.path("scenario").asText());
      assertEquals(live, recovery.path("targetDatabase").asText());
    } finally {
      stack.proxy.throttleDownloads(0);
    }
  }
}
