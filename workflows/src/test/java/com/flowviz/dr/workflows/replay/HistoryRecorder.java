package com.flowviz.dr.workflows.replay;

import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a test run's history into {@code src/test/resources/histories} when asked with {@code
 * -Dflowviz.recordHistories=true}. Checked-in histories are replayed against every later version of
 * the workflow code: the test that catches a change which would break running workflows.
 */
public final class HistoryRecorder {
  private HistoryRecorder() {}

  public static void recordIfAsked(WorkflowClient client, String workflowId, String name) {
    if (!Boolean.getBoolean("flowviz.recordHistories")) {
      return;
    }
    // The workflow id goes into the file name: replay needs it (child workflow ids derive from it).
    Path file = Path.of("src/test/resources/histories", name + "@" + workflowId + ".json");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, client.fetchHistory(workflowId).toJson(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
