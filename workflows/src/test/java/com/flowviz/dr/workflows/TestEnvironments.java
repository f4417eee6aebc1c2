package com.flowviz.dr.workflows;

import com.flowviz.dr.workflows.common.RunSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;

/** A test environment whose namespace knows our search attributes, as a configured server does. */
public final class TestEnvironments {
  private TestEnvironments() {}

  public static TestWorkflowEnvironment withSearchAttributes() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    RunSearchAttributes.ALL.forEach(
        key ->
            env.registerSearchAttribute(
                key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    return env;
  }

  /**
   * A started environment whose one worker, on the DR queue, runs {@code workflows} on {@code
   * activities}: what a test of procedures with no child and no host queue needs.
   */
  public static TestWorkflowEnvironment startedOnTheDrQueue(
      List<Class<?>> workflows, Object... activities) {
    TestWorkflowEnvironment env = withSearchAttributes();
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(workflows.toArray(Class<?>[]::new));
    worker.registerActivitiesImplementations(activities);
    env.start();
    return env;
  }

  /** A stub of a workflow started on the DR queue under {@code workflowId}. */
  public static <T> T onTheDrQueue(WorkflowClient client, Class<T> type, String workflowId) {
    return client.newWorkflowStub(
        type,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(workflowId).build());
  }
}
