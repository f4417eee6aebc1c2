package com.flowviz.dr.workflows.replay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflowImpl;
import com.flowviz.dr.workflows.backup.BackupWorkflowImpl;
import com.flowviz.dr.workflows.catalog.CheckBackupRetentionWorkflowImpl;
import com.flowviz.dr.workflows.catalog.ListBackupsWorkflowImpl;
import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflowImpl;
import com.flowviz.dr.workflows.newinstance.RestoreToNewInstanceWorkflowImpl;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceWorkflowImpl;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Replays every history recorded from earlier versions of the workflows against today's code. A
 * change that would break workflows already running (a Glacier wait lasts days) fails here; such a
 * change belongs behind {@code Workflow.getVersion}.
 */
class RecordedHistoriesReplayTest {

  @Test
  void everyRecordedHistoryReplaysOnTheCurrentWorkflowCode() throws Exception {
    List<Path> histories = histories();
    assertFalse(
        histories.isEmpty(),
        "recorded histories are checked in under src/test/resources/histories");
    for (Path history : histories) {
      String name = history.getFileName().toString();
      assertTrue(name.contains("@"), name + " must be named <description>@<workflow id>.json");
      String workflowId = name.substring(name.indexOf('@') + 1, name.length() - ".json".length());
      WorkflowReplayer.replayWorkflowExecution(
          WorkflowExecutionHistory.fromJson(Files.readString(history), workflowId),
          RestoreFromBackupWorkflowImpl.class,
          RestoreFromWeeklyBackupWorkflowImpl.class,
          BackupWorkflowImpl.class,
          ListBackupsWorkflowImpl.class,
          CheckBackupRetentionWorkflowImpl.class,
          RestoreToNewInstanceWorkflowImpl.class,
          TeardownInstanceWorkflowImpl.class,
          CrossRegionFailoverWorkflowImpl.class,
          com.flowviz.dr.workflows.incident.HandleIncidentWorkflowImpl.class,
          com.flowviz.dr.workflows.incident.IncidentFollowUpWorkflowImpl.class,
          com.flowviz.dr.workflows.compliance.VerifyAuditTrailWorkflowImpl.class,
          com.flowviz.dr.workflows.compliance.ForwardAuditEntriesWorkflowImpl.class,
          com.flowviz.dr.workflows.compliance.FetchIncidentReportWorkflowImpl.class,
          com.flowviz.dr.workflows.drill.RecoveryDrillWorkflowImpl.class,
          com.flowviz.dr.workflows.drill.ListDrillsWorkflowImpl.class,
          com.flowviz.dr.workflows.freshness.MonitorBackupFreshnessWorkflowImpl.class,
          com.flowviz.dr.workflows.lease.DatabaseLeaseWorkflowImpl.class);
    }
  }

  private static List<Path> histories() throws IOException, URISyntaxException {
    Path dir = Path.of(RecordedHistoriesReplayTest.class.getResource("/histories").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }
}
