package com.flowviz.dr.workflows.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

import com.flowviz.dr.activities.lease.LeaseHolder;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.postgres.SwapRequest;
import com.flowviz.dr.activities.verify.VerificationCheck;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.MockedRestoreActivities;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.TestJudgements;
import com.flowviz.dr.workflows.common.Names;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflowImpl;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.Worker;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One procedure at a time per database: the lease logic of 4.1 under the Temporal test server, with
 * mocked activities. The first restore is held inside its verification until the test lets it go,
 * so the second one meets a lease that is really held.
 */
class DatabaseLeaseTest extends MockedRestoreActivities {

  private static final String HOST_QUEUE = TaskQueues.forHost("test-host");

  private static final String FIRST_STAGING = Names.stagingDatabase("flowviz", "restore-first");

  /** Staging databases in the order they were swapped in. */
  private final List<String> swaps = new CopyOnWriteArrayList<>();

  private final CountDownLatch firstVerifying = new CountDownLatch(1);
  private final CountDownLatch letFirstGo = new CountDownLatch(1);

  /** A procedure that holds the lease on flowviz and runs a restore of it as its child. */
  @WorkflowInterface
  public interface LeaseHoldingParent {
    @WorkflowMethod
    String run();
  }

  public static class LeaseHoldingParentImpl implements LeaseHoldingParent {
    @Override
    public String run() {
      DatabaseLease lease = DatabaseLease.acquire(null, "flowviz", "test parent", Duration.ZERO);
      try {
        RestoreFromBackupWorkflow child =
            Workflow.newChildWorkflowStub(
                RestoreFromBackupWorkflow.class,
                ChildWorkflowOptions.newBuilder()
                    .setWorkflowId(Workflow.getInfo().getWorkflowId() + "-restore")
                    .setTaskQueue(TaskQueues.DR)
                    .build());
        return child
            .restore(
                RestoreRequest.builder()
                    .targetDatabase("flowviz")
                    .operator("alice")
                    .reason("child of a lease holder")
                    .build())
            .outcome();
      } finally {
        lease.release();
      }
    }
  }

  @BeforeEach
  void setUp() {
    Worker shared = env.newWorker(TaskQueues.DR);
    shared.registerWorkflowImplementationTypes(
        RestoreFromBackupWorkflowImpl.class, LeaseHoldingParentImpl.class);
    registerShared(shared);
    Worker host = env.newWorker(HOST_QUEUE);
    registerHost(host);

    stubUpToStaging(HOST_QUEUE);
    when(verification.verifyRestoredDatabase(anyString(), any(), any()))
        .thenAnswer(
            call -> {
              if (call.getArgument(0).equals(FIRST_STAGING)) {
                firstVerifying.countDown();
                assertTrue(
                    letFirstGo.await(60, TimeUnit.SECONDS), "the test lets the first restore go");
              }
              return new VerificationReport(
                  call.getArgument(0),
                  true,
                  true,
                  List.of(new VerificationCheck("row count lots", true, "10", "10")),
                  List.of(),
                  List.of(),
                  Map.of());
            });
    when(verification.judgeRestoredDatabase(any())).thenReturn(TestJudgements.NOTHING_LOST);
    when(postgres.swapIntoLive(any(), any()))
        .thenAnswer(
            call -> {
              SwapRequest request = call.getArgument(0);
              swaps.add(request.stagingDatabase());
              return new SwapOutcome(request.liveDatabase(), request.retiredDatabase(), 0, false);
            });
    stubAnUnconfiguredApplication();
    env.start();
  }

  @Test
  void aSecondRestoreOfTheSameDatabaseIsRefusedAtOnceNamingTheFirst() throws Exception {
    WorkflowStub first = start("restore-first", request("flowviz", null));
    assertTrue(firstVerifying.await(30, TimeUnit.SECONDS));

    WorkflowFailedException refused =
        assertThrows(
            WorkflowFailedException.class,
            () -> restore("restore-second").restore(request("flowviz", null)));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, refused.getCause());
    assertEquals(FailureTypes.DATABASE_BUSY, failure.getType());
    assertTrue(failure.isNonRetryable());
    assertTrue(
        failure.getOriginalMessage().contains("restore-first (RestoreFromBackup"),
        failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("waitForLease"), failure.getOriginalMessage());
    assertEquals("restore-first", failure.getDetails().get(LeaseHolder.class).holderWorkflowId());
    assertTrue(
        audit.stream()
            .noneMatch(
                e -> e.workflowId().equals("restore-second") && e.step().equals("resolve-backup")),
        "the refused restore did nothing");

    letFirstGo.countDown();
    assertEquals(RestoreResult.RESTORED, first.getResult(RestoreResult.class).outcome());
    assertEquals(1, swaps.size());
    // Released with its holder: the next restore takes the lease.
    letFirstGo.countDown();
    assertEquals(
        RestoreResult.RESTORED,
        restore("restore-third").restore(request("flowviz", null)).outcome());
  }

  @Test
  void aRestoreThatAsksToWaitRunsAfterTheHolderFinishes() throws Exception {
    WorkflowStub first = start("restore-first", request("flowviz", null));
    assertTrue(firstVerifying.await(30, TimeUnit.SECONDS));
    WorkflowStub second = start("restore-second", request("flowviz", "PT30M"));
    Thread.sleep(2_000);
    assertTrue(swaps.isEmpty(), "the second restore waits: " + swaps);

    letFirstGo.countDown();

    assertEquals(RestoreResult.RESTORED, first.getResult(RestoreResult.class).outcome());
    assertEquals(RestoreResult.RESTORED, second.getResult(RestoreResult.class).outcome());
    assertEquals(2, swaps.size());
    assertEquals(FIRST_STAGING, swaps.get(0), "the first restore swapped first");
  }

  @Test
  void anotherDatabaseIsNotHeldUp() throws Exception {
    WorkflowStub first = start("restore-first", request("flowviz", null));
    assertTrue(firstVerifying.await(30, TimeUnit.SECONDS));

    assertEquals(
        RestoreResult.RESTORED,
        restore("restore-reports").restore(request("flowviz_reports", null)).outcome());

    letFirstGo.countDown();
    assertEquals(RestoreResult.RESTORED, first.getResult(RestoreResult.class).outcome());
  }

  @Test
  void aTerminatedHolderFreesTheDatabase() throws Exception {
    WorkflowStub first = start("restore-first", request("flowviz", null));
    assertTrue(firstVerifying.await(30, TimeUnit.SECONDS));

    first.terminate("operator gave up on it");

    assertEquals(
        RestoreResult.RESTORED,
        restore("restore-after").restore(request("flowviz", null)).outcome());
    letFirstGo.countDown();
  }

  @Test
  void aProcedureStartedByTheHolderSharesItsLease() {
    LeaseHoldingParent parent =
        client.newWorkflowStub(
            LeaseHoldingParent.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("incident-x")
                .build());

    assertEquals(RestoreResult.RESTORED, parent.run());

    assertTrue(
        audit.stream()
            .anyMatch(
                e ->
                    e.workflowId().equals("incident-x-restore")
                        && e.step().equals("database-lease")
                        && e.details()
                            .equals("shares the lease lease:default/flowviz held by incident-x")),
        audit.toString());
  }

  private WorkflowStub start(String id, RestoreRequest request) {
    RestoreFromBackupWorkflow workflow = restore(id);
    WorkflowClient.start(workflow::restore, request);
    return WorkflowStub.fromTyped(workflow);
  }

  private RestoreFromBackupWorkflow restore(String id) {
    return client.newWorkflowStub(
        RestoreFromBackupWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
  }

  private static RestoreRequest request(String database, String waitForLease) {
    return RestoreRequest.builder()
        .targetDatabase(database)
        .operator("alice")
        .waitForLease(waitForLease)
        .build();
  }
}
