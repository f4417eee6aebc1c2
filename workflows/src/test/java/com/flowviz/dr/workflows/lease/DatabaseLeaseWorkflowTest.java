package com.flowviz.dr.workflows.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.TestEnvironments;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lease workflow on its own: it holds until its holder releases it. (Its real id,
 * "lease:default/flowviz", cannot name a history file; the id plays no part in its replay.)
 */
class DatabaseLeaseWorkflowTest {

  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    env = TestEnvironments.withSearchAttributes();
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(DatabaseLeaseWorkflowImpl.class);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aLeaseHoldsUntilItsHolderReleasesIt() throws Exception {
    DatabaseLeaseWorkflow lease =
        client.newWorkflowStub(
            DatabaseLeaseWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("lease-flowviz")
                .build());
    LeaseRequest request =
        LeaseRequest.builder()
            .server("default")
            .database("flowviz")
            .holderWorkflowId("restore-1")
            .procedure("runbook 4.1")
            .build();
    WorkflowClient.start(lease::hold, request);

    assertEquals(request, lease.lease());
    assertEquals(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, status("lease-flowviz"));
    lease.release();
    client.newUntypedWorkflowStub("lease-flowviz").getResult(Void.class);

    assertEquals(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, status("lease-flowviz"));
    HistoryRecorder.recordIfAsked(client, "lease-flowviz", "database-lease-v8-paths-released");
  }

  private WorkflowExecutionStatus status(String id) {
    return client.newUntypedWorkflowStub(id).describe().getStatus();
  }
}
