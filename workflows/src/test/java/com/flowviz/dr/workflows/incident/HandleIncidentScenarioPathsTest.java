package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.incident.HandleIncidentWorkflowTest.BACKUP;
import static com.flowviz.dr.workflows.incident.HandleIncidentWorkflowTest.childRequests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.flowviz.dr.activities.app.PublishOutcome;
import com.flowviz.dr.activities.crypto.BackupValidity;
import com.flowviz.dr.activities.dns.DnsChange;
import com.flowviz.dr.activities.incident.CredentialCheck;
import com.flowviz.dr.activities.infra.StackOutputs;
import com.flowviz.dr.activities.postgres.LiveFingerprint;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.provision.ProvisionedInstance;
import com.flowviz.dr.activities.storage.BackupSelector;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.EndpointCheck;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflow;
import com.flowviz.dr.workflows.failover.DnsApproval;
import com.flowviz.dr.workflows.failover.FailoverProgress;
import com.flowviz.dr.workflows.failover.FailoverRequest;
import com.flowviz.dr.workflows.failover.FailoverResult;
import com.flowviz.dr.workflows.newinstance.NewInstanceProgress;
import com.flowviz.dr.workflows.newinstance.NewInstanceRequest;
import com.flowviz.dr.workflows.newinstance.NewInstanceResult;
import com.flowviz.dr.workflows.newinstance.RestoreToNewInstanceWorkflow;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One test, and one recorded history, per path through section 2 that the older histories do not
 * cover: every scenario, and each of its gates approved, rejected and unanswered. The procedures
 * the incident starts are stand-ins whose gates wait for a decision as the real ones do, so the
 * incident's own history (all that replay checks) is the one a real run writes.
 */
class HandleIncidentScenarioPathsTest extends MockedIncidentActivities {

  /** Runbook 4.3 as the incident sees it: a held repoint waits for a person at its gate. */
  public static class GatedNewInstance implements RestoreToNewInstanceWorkflow {
    private Decision decision;

    @Override
    public NewInstanceResult restore(NewInstanceRequest r) {
      childRequests.add(r);
      boolean held = Approvals.REQUIRED.equals(r.repointApproval());
      if (held) {
        Workflow.await(Duration.parse(r.approvalTimeout()), () -> decision != null);
      }
      boolean repointed = !held || (decision != null && decision.approve());
      PgServer server = new PgServer("10.0.0.9", 5432, "admin", "secret-name");
      return NewInstanceResult.builder()
          .outcome(repointed ? RestoreResult.RESTORED : NewInstanceResult.NOT_REPOINTED)
          .instance(new ProvisionedInstance("flowviz-db-1", "local", server, false, ""))
          .restore(
              HandleIncidentWorkflowTest.FakeRestore.result(
                  RestoreRequest.builder()
                      .backupKey(r.backupKey())
                      .targetDatabase(r.databaseName())
                      .incidentAt(r.incidentAt())
                      .build()))
          .published(new PublishOutcome(repointed, repointed ? List.of("env file") : List.of()))
          .steps(List.of())
          .elapsed(Duration.ofMinutes(5))
          .repointDecision(held ? decision : null)
          .build();
    }

    @Override
    public String decide(Decision d) {
      decision(d);
      return "recorded";
    }

    @Override
    public void validateDecision(Decision d) {}

    @Override
    public void decision(Decision d) {
      decision = d;
    }

    @Override
    public NewInstanceProgress progress() {
      return null;
    }
  }

  /** Runbook 4.4 as the incident sees it: without a pre-approval DNS waits for a person. */
  public static class GatedFailover implements CrossRegionFailoverWorkflow {
    private Decision decision;

    @Override
    public FailoverResult failover(FailoverRequest r) {
      childRequests.add(r);
      boolean held = r.dnsApproval() == null;
      if (held) {
        Workflow.await(Duration.ofHours(1), () -> decision != null);
      }
      boolean switched = !held || (decision != null && decision.approve());
      return FailoverResult.builder()
          .direction("failover")
          .outcome(
              switched
                  ? FailoverResult.SWITCHED
                  : decision == null
                      ? FailoverResult.APPROVAL_TIMED_OUT
                      : FailoverResult.DNS_SWITCH_REJECTED)
          .stack(
              new StackOutputs(
                  "prod-dr", "us-west-2", Map.of(), new PgServer("10.1.0.1", 5432, "admin", "s")))
          .restore(
              HandleIncidentWorkflowTest.FakeRestore.result(
                  RestoreRequest.builder()
                      .backupKey(BACKUP.key())
                      .targetDatabase(r.databaseName())
                      .incidentAt(r.incidentAt())
                      .build()))
          .dns(switched ? new DnsChange("Z1", "C1", "INSYNC", false, List.of()) : null)
          .decisions(decision == null ? List.of() : List.of(decision))
          .steps(List.of())
          .elapsed(Duration.ofMinutes(9))
          .build();
    }

    @Override
    public String decide(Decision d) {
      decision(d);
      return "recorded";
    }

    @Override
    public void validateDecision(Decision d) {}

    @Override
    public void decision(Decision d) {
      decision = d;
    }

    @Override
    public FailoverProgress progress() {
      return null;
    }
  }

  @BeforeEach
  void setUp() {
    childRequests.clear();
    register(
        HandleIncidentWorkflowTest.FakeRestore.class, GatedNewInstance.class, GatedFailover.class);
    stubAnIncidentThatGoesWell();
    when(postgres.swapIntoLive(any(), any()))
        .thenReturn(new SwapOutcome("flowviz", "flowviz_replaced_x", 2, false));
    when(postgres.dropStagingDatabase(anyString(), any())).thenReturn(true);
    env.start();
  }

  private static final Approvals HOLD_ALL =
      new Approvals("required", "required", "required", "stage-then-approve");

  private HandleIncidentWorkflow stub(String id) {
    return incidentStub(id);
  }

  private static IncidentRequest declared(String scenario) {
    return IncidentRequest.builder()
        .scenario(scenario)
        .damageStartedAt("2025-11-30T09:00:00Z")
        .operator("alice")
        .notes("test")
        .build();
  }

  private static IncidentRequest automated(String scenario, Approvals approvals) {
    return IncidentRequest.builder()
        .scenario(scenario)
        .damageStartedAt("2025-11-30T09:00:00Z")
        .operator("alertmanager")
        .decisionTimeout("PT2H")
        .approvals(approvals)
        .trigger(
            new Trigger(
                "alertmanager",
                "FlowvizDatabaseCorrupted",
                "2025-11-30T09:01:00Z",
                "checksum failures on lots",
                "http://prometheus/graph"))
        .build();
  }

  private IncidentResult resultOf(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).getResult(IncidentResult.class);
  }

  private StepRecord step(IncidentResult result, String name) {
    return result.steps().stream()
        .filter(s -> s.step().equals(name))
        .reduce((first, last) -> last)
        .orElseThrow(() -> new AssertionError("no step " + name + " in " + result.steps()));
  }

  private static IncidentProgress awaitStep(HandleIncidentWorkflow workflow, String step)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        IncidentProgress p = workflow.progress();
        if (p != null && step.equals(p.currentStep())) {
          return p;
        }
      } catch (WorkflowNotFoundException | IllegalStateException notYet) {
        // not started yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the incident never reached " + step);
  }

  /** A decision sent to the procedure the incident started, once that procedure runs. */
  private void decideAtProcedure(String procedureId, Decision decision)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (true) {
      try {
        client.newUntypedWorkflowStub(procedureId).signal("decision", decision);
        return;
      } catch (WorkflowNotFoundException notYet) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError(procedureId + " never started");
        }
        Thread.sleep(50);
      }
    }
  }

  // ---- 2.1 database corruption ----

  @Test
  void path21CorruptionWithoutAGateRestoresInPlaceAndRestartsTheApplication() {
    IncidentResult result = stub("incident-21").handle(declared("2.1"));

    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    assertEquals("incident-21-restore", result.procedureWorkflowId());
    RestoreRequest child = (RestoreRequest) childRequests.get(0);
    assertEquals(Boolean.FALSE, child.stageOnly());
    assertEquals(Boolean.TRUE, child.applicationSteps(), "4.1 restarts the application itself");
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres).compareDatabases("flowviz_replaced_x", "flowviz", null);
    HistoryRecorder.recordIfAsked(client, "incident-21", "handle-incident-v8-paths-2.1-restored");
  }

  @Test
  void path21ARejectedSwapChangesNothingAndDropsTheStagedRestore() throws Exception {
    HandleIncidentWorkflow workflow = stub("incident-21r");
    WorkflowClient.start(workflow::handle, automated("2.1", HOLD_ALL));
    awaitStep(workflow, IncidentSteps.APPROVE_SWAP);

    String answer = workflow.decide(Decision.reject("swap", "carol", "the copy looks wrong"));
    IncidentResult result = resultOf("incident-21r");

    assertTrue(answer.contains("nothing changes"), answer);
    assertEquals(IncidentResult.ABANDONED, result.outcome());
    assertEquals("SWAP_NOT_APPROVED", result.procedureOutcome());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(application, never()).restartApplication();
    verify(postgres).dropStagingDatabase("flowviz_staging_x", null);
    assertTrue(
        step(result, IncidentSteps.APPROVE_SWAP)
            .detail()
            .contains("rejected by carol: the copy looks wrong"));
    HistoryRecorder.recordIfAsked(
        client, "incident-21r", "handle-incident-v8-paths-2.1-swap-rejected");
  }

  @Test
  void path21AnUnansweredSwapGateChangesNothingAfterTheDecisionTimeout() {
    IncidentResult result = stub("incident-21t").handle(automated("2.1", HOLD_ALL));

    assertEquals(IncidentResult.ABANDONED, result.outcome());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres).dropStagingDatabase("flowviz_staging_x", null);
    assertTrue(
        step(result, IncidentSteps.APPROVE_SWAP)
            .detail()
            .contains("no decision before the timeout"));
    HistoryRecorder.recordIfAsked(
        client, "incident-21t", "handle-incident-v8-paths-2.1-swap-unanswered");
  }

  @Test
  void path21UnhealthyServicesAfterTheRestoreAreAFinding() {
    when(verification.checkApplicationConnectivity())
        .thenReturn(
            new ConnectivityReport(
                true,
                false,
                List.of(new EndpointCheck("http://api/health", false, 503, 20, "HTTP 503"))));

    IncidentResult result = stub("incident-21u").handle(declared("2.1"));

    assertEquals(IncidentResult.RECOVERED_WITH_FINDINGS, result.outcome());
    assertEquals(StepRecord.FAILED, step(result, IncidentSteps.SERVICES_OPERATIONAL).outcome());
    assertTrue(
        result.postRecoveryChecks().contains("services operational: NO"),
        result.postRecoveryChecks().toString());
    HistoryRecorder.recordIfAsked(
        client, "incident-21u", "handle-incident-v8-paths-2.1-services-unhealthy");
  }

  // ---- 2.2 instance failure ----

  @Test
  void path22InstanceFailureRestoresToANewInstanceAndRepointsWithoutAGate() {
    IncidentResult result = stub("incident-22").handle(declared("2.2"));

    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    assertEquals("incident-22-new-instance", result.procedureWorkflowId());
    NewInstanceRequest child = (NewInstanceRequest) childRequests.get(0);
    assertNull(child.repointApproval(), "the default approvals repoint at once");
    assertEquals(StepRecord.SKIPPED, step(result, IncidentSteps.PREPARE_TARGET).outcome());
    verify(postgres, never()).awaitServerReady(any(), any());
    verify(verification)
        .checkLotTraceability("flowviz", new PgServer("10.0.0.9", 5432, "admin", "secret-name"));
    HistoryRecorder.recordIfAsked(
        client, "incident-22", "handle-incident-v8-paths-2.2-new-instance");
  }

  @Test
  void path22AnApprovedRepointRecoversOnTheNewInstance() throws Exception {
    HandleIncidentWorkflow workflow = stub("incident-22a");
    WorkflowClient.start(workflow::handle, automated("2.2", HOLD_ALL));
    decideAtProcedure(
        "incident-22a-new-instance", Decision.approve("repoint", "carol", "instance checked"));
    IncidentResult result = resultOf("incident-22a");

    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    assertEquals(RestoreResult.RESTORED, result.procedureOutcome());
    assertEquals(Approvals.REQUIRED, ((NewInstanceRequest) childRequests.get(0)).repointApproval());
    assertTrue(
        audit.stream()
            .anyMatch(
                e ->
                    e.step().equals("incident")
                        && e.details().contains("runbook 4.3, restore to a new instance")));
    HistoryRecorder.recordIfAsked(
        client, "incident-22a", "handle-incident-v8-paths-2.2-repoint-approved");
  }

  @Test
  void path22ARejectedRepointLeavesTheApplicationWhereItWasAndClosesWithoutRecovery()
      throws Exception {
    HandleIncidentWorkflow workflow = stub("incident-22r");
    WorkflowClient.start(workflow::handle, automated("2.2", HOLD_ALL));
    decideAtProcedure(
        "incident-22r-new-instance", Decision.reject("repoint", "carol", "not this one"));
    IncidentResult result = resultOf("incident-22r");

    assertEquals(IncidentResult.ABANDONED, result.outcome());
    assertEquals(NewInstanceResult.NOT_REPOINTED, result.procedureOutcome());
    assertEquals(StepRecord.SKIPPED, step(result, IncidentSteps.CRITICAL_WORKFLOWS).outcome());
    verify(verification, never()).checkLotTraceability(anyString(), any());
    verify(incident)
        .writeIncidentReport(
            argThat(
                r ->
                    r.actions().stream()
                        .anyMatch(
                            a -> a.contains("NOT repointed (rejected by carol: not this one)"))));
    HistoryRecorder.recordIfAsked(
        client, "incident-22r", "handle-incident-v8-paths-2.2-repoint-rejected");
  }

  // ---- 2.3 accidental deletion ----

  private IncidentResult chooseAfterTheDataGap(String id, String choice) throws Exception {
    HandleIncidentWorkflow workflow = stub(id);
    WorkflowClient.start(workflow::handle, declared("2.3"));
    awaitStep(workflow, IncidentSteps.AWAIT_CHOICE);
    workflow.chooseRecovery(RecoveryChoice.of(choice, "carol", "after reading the gap"));
    return resultOf(id);
  }

  @Test
  void path23AFullRestoreSwapsTheBackupInAndKeepsTheCurrentDatabase() throws Exception {
    IncidentResult result = chooseAfterTheDataGap("incident-23f", RecoveryChoice.FULL_RESTORE);

    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    assertEquals(RecoveryChoice.FULL_RESTORE, result.choice().choice());
    assertNull(result.undelete());
    verify(postgres)
        .swapIntoLive(
            argThat(
                r ->
                    r.stagingDatabase().equals("flowviz_staging_x")
                        && r.expectedLive().equals(new LiveFingerprint("flowviz", 16384, 42))),
            isNull());
    verify(postgres, never()).reinsertMissingRows(anyString(), anyString(), anyString(), any());
    verify(application).restartApplication();
    HistoryRecorder.recordIfAsked(
        client, "incident-23f", "handle-incident-v8-paths-2.3-full-restore");
  }

  @Test
  void path23AbandoningChangesNothingAndDropsTheStagedCopy() throws Exception {
    IncidentResult result = chooseAfterTheDataGap("incident-23a", RecoveryChoice.ABANDON);

    assertEquals(IncidentResult.ABANDONED, result.outcome());
    assertEquals("ABANDONED", result.procedureOutcome());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres, never()).reinsertMissingRows(anyString(), anyString(), anyString(), any());
    verify(postgres).dropStagingDatabase("flowviz_staging_x", null);
    HistoryRecorder.recordIfAsked(client, "incident-23a", "handle-incident-v8-paths-2.3-abandon");
  }

  @Test
  void path23NoChoiceInTimeAbandonsOnBehalfOfNobody() {
    IncidentResult result =
        stub("incident-23t").handle(declared("2.3").toBuilder().decisionTimeout("PT1H").build());

    assertEquals(IncidentResult.ABANDONED, result.outcome());
    assertEquals("flowviz-dr", result.choice().by());
    assertTrue(result.choice().comment().contains("no choice within PT1H"));
    verify(postgres).dropStagingDatabase("flowviz_staging_x", null);
    HistoryRecorder.recordIfAsked(
        client, "incident-23t", "handle-incident-v8-paths-2.3-no-choice-in-time");
  }

  @Test
  void path23ACancelledIncidentIsRecordedAndToldAndChangesNothing() throws Exception {
    HandleIncidentWorkflow workflow = stub("incident-23c");
    WorkflowClient.start(workflow::handle, declared("2.3"));
    awaitStep(workflow, IncidentSteps.AWAIT_CHOICE);

    WorkflowStub untyped = client.newUntypedWorkflowStub("incident-23c");
    untyped.cancel();
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> untyped.getResult(IncidentResult.class));

    assertInstanceOf(CanceledFailure.class, e.getCause());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres, never()).reinsertMissingRows(anyString(), anyString(), anyString(), any());
    assertTrue(
        audit.stream()
            .anyMatch(e2 -> e2.step().equals("incident") && e2.outcome().equals("CANCELLED")));
    verify(notify, org.mockito.Mockito.timeout(10_000))
        .notify(argThat(n -> n.eventId().endsWith(":cancelled")));
    HistoryRecorder.recordIfAsked(client, "incident-23c", "handle-incident-v8-paths-2.3-cancelled");
  }

  // ---- 2.4 security breach ----

  @Test
  void path24AnApprovedSwapRestoresTheIsolatedBackupThenRotatesAndRestarts() throws Exception {
    HandleIncidentWorkflow workflow = stub("incident-24a");
    WorkflowClient.start(workflow::handle, automated("2.4", HOLD_ALL));
    awaitStep(workflow, IncidentSteps.APPROVE_SWAP);

    workflow.decide(Decision.approve("swap", "carol", "isolated copy verified"));
    IncidentResult result = resultOf("incident-24a");

    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    RestoreRequest child = (RestoreRequest) childRequests.get(0);
    assertEquals(Boolean.TRUE, child.stageOnly());
    assertEquals(Boolean.TRUE, child.strictIntegrity());
    verify(storage)
        .resolveBackup(
            new BackupSelector(
                "flowviz-backups-isolated",
                "daily/",
                null,
                Instant.parse("2025-11-30T09:00:00Z"),
                "us-east-2",
                "flowviz"));
    assertEquals(List.of("flowviz_app"), result.rotation().roles());
    var order = inOrder(postgres, incident, application);
    order.verify(postgres).swapIntoLive(any(), isNull());
    order.verify(incident).rotateCredentials(null);
    order.verify(application).restartApplication();
    HistoryRecorder.recordIfAsked(
        client, "incident-24a", "handle-incident-v8-paths-2.4-swap-approved");
  }

  @Test
  void path24ARejectedSwapRotatesNothingAndDropsTheStagedRestore() throws Exception {
    HandleIncidentWorkflow workflow = stub("incident-24r");
    WorkflowClient.start(workflow::handle, automated("2.4", HOLD_ALL));
    awaitStep(workflow, IncidentSteps.APPROVE_SWAP);

    workflow.decide(Decision.reject("swap", "carol", "restore from elsewhere"));
    IncidentResult result = resultOf("incident-24r");

    assertEquals(IncidentResult.ABANDONED, result.outcome());
    assertNull(result.rotation());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(incident, never()).rotateCredentials(any());
    verify(postgres).dropStagingDatabase("flowviz_staging_x", null);
    HistoryRecorder.recordIfAsked(
        client, "incident-24r", "handle-incident-v8-paths-2.4-swap-rejected");
  }

  // ---- 2.5 regional outage ----

  @Test
  void path25AnApprovedDnsSwitchFailsOverToTheDrRegion() throws Exception {
    HandleIncidentWorkflow workflow = stub("incident-25a");
    WorkflowClient.start(workflow::handle, declared("2.5"));
    decideAtProcedure(
        "incident-25a-failover", Decision.approve("dns-switch", "carol", "region is down"));
    IncidentResult result = resultOf("incident-25a");

    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    assertEquals(FailoverResult.SWITCHED, result.procedureOutcome());
    FailoverRequest child = (FailoverRequest) childRequests.get(0);
    assertNull(child.dnsApproval(), "by default a person approves the DNS switch");
    verify(storage).newestBackup(anyString(), anyString(), anyString());
    verify(storage, never()).resolveBackup(any());
    HistoryRecorder.recordIfAsked(
        client, "incident-25a", "handle-incident-v8-paths-2.5-dns-approved");
  }

  @Test
  void path25ARejectedDnsSwitchClosesTheIncidentWithoutRecovery() throws Exception {
    HandleIncidentWorkflow workflow = stub("incident-25r");
    WorkflowClient.start(workflow::handle, declared("2.5"));
    decideAtProcedure(
        "incident-25r-failover", Decision.reject("dns-switch", "carol", "primary is back"));
    IncidentResult result = resultOf("incident-25r");

    assertEquals(IncidentResult.ABANDONED, result.outcome());
    assertEquals(FailoverResult.DNS_SWITCH_REJECTED, result.procedureOutcome());
    verify(incident)
        .writeIncidentReport(
            argThat(
                r ->
                    r.actions().stream()
                        .anyMatch(a -> a.equals("DNS not switched: DNS_SWITCH_REJECTED"))));
    HistoryRecorder.recordIfAsked(
        client, "incident-25r", "handle-incident-v8-paths-2.5-dns-rejected");
  }

  @Test
  void path25APolicyThatPreApprovesTheDnsSwitchFailsOverWithoutAPerson() {
    IncidentResult result =
        stub("incident-25p")
            .handle(
                automated(
                    "2.5",
                    new Approvals("required", "required", "automatic", "failover-at-night")));

    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    assertEquals(
        new DnsApproval("pre-approved", "policy failover-at-night"),
        ((FailoverRequest) childRequests.get(0)).dnsApproval());
    HistoryRecorder.recordIfAsked(
        client, "incident-25p", "handle-incident-v8-paths-2.5-dns-pre-approved");
  }

  // ---- Section 3 stopping the incident before any change ----

  @Test
  void pathUnreadyCredentialsStopTheIncidentAndTellEveryone() {
    when(incident.checkCredentials())
        .thenReturn(
            new CredentialCheck(
                false,
                "Secrets Manager",
                List.of(),
                true,
                List.of("backup key: the passphrase does not unlock it")));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class, () -> stub("incident-fk").handle(declared("2.1")));

    assertEquals(
        FailureTypes.CREDENTIALS_UNAVAILABLE, ((ApplicationFailure) e.getCause()).getType());
    assertTrue(childRequests.isEmpty());
    assertTrue(
        audit.stream()
            .anyMatch(a -> a.step().equals("incident") && a.outcome().equals(StepRecord.FAILED)));
    verify(notify, org.mockito.Mockito.timeout(10_000))
        .notify(argThat(n -> n.eventId().endsWith(":failed")));
    HistoryRecorder.recordIfAsked(
        client, "incident-fk", "handle-incident-v8-paths-credentials-unavailable");
  }

  @Test
  void pathATargetServerThatIsNotReadyStopsTheIncidentBeforeAnyRestore() {
    when(postgres.awaitServerReady(isNull(), any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "connection refused", FailureTypes.CONFIGURATION));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class, () -> stub("incident-fs").handle(declared("2.1")));

    ApplicationFailure cause = (ApplicationFailure) e.getCause();
    assertEquals(FailureTypes.CONFIGURATION, cause.getType());
    assertTrue(cause.getOriginalMessage().contains("scenario 2.2"), cause.getOriginalMessage());
    assertTrue(childRequests.isEmpty());
    HistoryRecorder.recordIfAsked(
        client, "incident-fs", "handle-incident-v8-paths-target-server-not-ready");
  }

  @Test
  void pathNoValidBackupStopsTheChecklistHavingChangedNothing() {
    BackupSelector newest =
        new BackupSelector(
            "flowviz-backups",
            "daily/",
            null,
            Instant.parse("2025-11-30T09:00:00Z"),
            null,
            "flowviz");
    when(storage.resolveBackup(newest)).thenReturn(BACKUP);
    when(storage.resolveBackup(newest.olderThan(BACKUP.takenAt())))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "No older backup of flowviz", FailureTypes.BACKUP_NOT_FOUND));
    when(decryption.checkBackupValidity(any(), any()))
        .thenReturn(
            BackupValidity.invalid(
                FailureTypes.BACKUP_INTEGRITY_FAILED, "the OpenPGP integrity check failed"));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class, () -> stub("incident-fv").handle(declared("2.3")));

    assertEquals(
        FailureTypes.BACKUP_INTEGRITY_FAILED, ((ApplicationFailure) e.getCause()).getType());
    assertTrue(childRequests.isEmpty(), "no procedure started");
    assertTrue(
        audit.stream()
            .anyMatch(
                a ->
                    a.step().equals("backup-passed-over")
                        && a.details().contains("the OpenPGP integrity check failed")));
    HistoryRecorder.recordIfAsked(
        client, "incident-fv", "handle-incident-v8-paths-no-valid-backup");
  }

  // ---- Issue 16: input the plan refuses, before any command ----

  @Test
  void pathDamageStartedAfterItWasSeenIsRefusedBeforeAnyCommand() {
    IncidentRequest impossible =
        declared("database-corruption").toBuilder()
            .detectedAt("2025-11-30T08:00:00Z")
            .damageStartedAt("2025-11-30T09:00:00Z")
            .build();

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> stub("incident-fi").handle(impossible));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("cannot begin after it was seen"),
        failure.getOriginalMessage());
    assertTrue(audit.isEmpty(), audit.toString());
    HistoryRecorder.recordIfAsked(client, "incident-fi", "handle-incident-v8-paths-input-refused");
  }
}
