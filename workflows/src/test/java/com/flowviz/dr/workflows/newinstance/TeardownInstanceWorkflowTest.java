package com.flowviz.dr.workflows.newinstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.ProvisionActivities;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.TestEnvironments;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Removing an instance a restore to a new instance left behind, on the record. */
class TeardownInstanceWorkflowTest {

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final ProvisionActivities provisioning =
      mock(ProvisionActivities.class, withSettings().withoutAnnotations());
  private final List<AuditEntry> audit = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    env = TestEnvironments.withSearchAttributes();
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(TeardownInstanceWorkflowImpl.class);
    worker.registerActivitiesImplementations(provisioning, new RecordingAudit(audit));
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private TeardownInstanceWorkflow stub(String id) {
    return client.newWorkflowStub(
        TeardownInstanceWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
  }

  @Test
  void theInstanceIsRemovedAndTheReasonIsOnRecord() {
    when(provisioning.teardownInstance(new InstanceSpec("flowviz-db-1", "us-east-1")))
        .thenReturn(true);

    boolean removed =
        stub("teardown-1")
            .teardown(
                TeardownInstanceRequest.builder()
                    .instanceName("flowviz-db-1")
                    .region("us-east-1")
                    .operator("alice")
                    .reason("repoint was rejected")
                    .build());

    assertTrue(removed);
    assertTrue(
        audit.stream()
            .anyMatch(
                e ->
                    e.step().equals("teardown-instance")
                        && e.details()
                            .equals("removed flowviz-db-1; reason: repoint was rejected")),
        audit.toString());
    HistoryRecorder.recordIfAsked(client, "teardown-1", "teardown-instance-v8-paths-removed");
  }

  @Test
  void anInstanceAlreadyGoneIsReportedSo() {
    when(provisioning.teardownInstance(new InstanceSpec("flowviz-db-2", null))).thenReturn(false);

    boolean removed =
        stub("teardown-2")
            .teardown(
                TeardownInstanceRequest.builder()
                    .instanceName("flowviz-db-2")
                    .operator("alice")
                    .build());

    assertFalse(removed);
    assertTrue(
        audit.stream().anyMatch(e -> e.details().equals("there was no flowviz-db-2")),
        audit.toString());
    HistoryRecorder.recordIfAsked(client, "teardown-2", "teardown-instance-v8-paths-already-gone");
  }

  @Test
  void pathTeardownFailingIsOnRecordAndFailsTheWorkflow() {
    when(provisioning.teardownInstance(new InstanceSpec("flowviz-db-3", "us-east-1")))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "instance is protected", "DeletionProtected"));

    WorkflowFailedException failed =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("teardown-3")
                    .teardown(
                        new TeardownInstanceRequest("flowviz-db-3", "us-east-1", "alice", null)));

    ApplicationFailure cause = (ApplicationFailure) failed.getCause().getCause();
    assertEquals("DeletionProtected", cause.getType());
    assertTrue(
        audit.stream()
            .anyMatch(
                e ->
                    e.step().equals("teardown-instance")
                        && e.outcome().equals("FAILED")
                        && e.details().contains("instance is protected")),
        audit.toString());
    HistoryRecorder.recordIfAsked(client, "teardown-3", "teardown-instance-v8-paths-failed");
  }

  @Test
  void pathBadInstanceNameIsRefusedBeforeAnyCommand() {
    WorkflowFailedException failed =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("teardown-4")
                    .teardown(new TeardownInstanceRequest("Bad_Name!", null, "alice", null)));

    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertTrue(cause.getOriginalMessage().contains("instanceName"), cause.getOriginalMessage());
    verifyNoInteractions(provisioning);
    HistoryRecorder.recordIfAsked(client, "teardown-4", "teardown-instance-v8-paths-input-refused");
  }
}
