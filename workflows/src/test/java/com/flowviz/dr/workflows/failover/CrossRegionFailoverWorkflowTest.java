package com.flowviz.dr.workflows.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.audit.AuditActivities;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.dns.DnsActivities;
import com.flowviz.dr.activities.dns.DnsChange;
import com.flowviz.dr.activities.dns.DnsChangeRequest;
import com.flowviz.dr.activities.infra.InfrastructureActivities;
import com.flowviz.dr.activities.infra.StackOutputs;
import com.flowviz.dr.activities.infra.StackSpec;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.BucketFreshness;
import com.flowviz.dr.activities.verify.HealthObservation;
import com.flowviz.dr.activities.verify.HealthReport;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.EnvironmentPerTest;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.RestoreStandIn;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runbook 4.4's gates and roles under the time-skipping test server, with mocked activities. */
class CrossRegionFailoverWorkflowTest extends EnvironmentPerTest {

  private static final PgServer DR_DATABASE =
      new PgServer("10.2.0.5", 5432, "admin", "flowviz/dr/stacks/prod-dr/db-password");
  private static final List<RestoreRequest> childRequests = new CopyOnWriteArrayList<>();

  private final BackupStorageActivities storage =
      mock(BackupStorageActivities.class, withSettings().withoutAnnotations());
  private final InfrastructureActivities infrastructure =
      mock(InfrastructureActivities.class, withSettings().withoutAnnotations());
  private final DnsActivities dns = mock(DnsActivities.class, withSettings().withoutAnnotations());
  private final VerificationActivities verification =
      mock(VerificationActivities.class, withSettings().withoutAnnotations());
  private final List<AuditEntry> audit = new CopyOnWriteArrayList<>();

  /** Stands in for the 4.1 restore; takes an hour, so decisions can arrive while it runs. */
  public static class SlowRestore extends RestoreStandIn {
    @Override
    public RestoreResult restore(RestoreRequest request) {
      childRequests.add(request);
      Workflow.sleep(Duration.ofHours(1));
      BackupObject backup =
          new BackupObject(
              request.bucket(),
              request.backupKey(),
              Instant.EPOCH,
              Instant.EPOCH,
              1,
              "STANDARD",
              "e",
              request.bucketRegion());
      return restored(request, backup)
          .verification(
              new VerificationReport(
                  "flowviz", true, true, List.of(), List.of(), List.of(), Map.of()))
          .elapsed(Duration.ofHours(1))
          .build();
    }
  }

  @BeforeEach
  void setUp() {
    childRequests.clear();
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(
        CrossRegionFailoverWorkflowImpl.class, SlowRestore.class);
    AuditActivities recorder = new RecordingAudit(audit);
    worker.registerActivitiesImplementations(storage, infrastructure, dns, verification, recorder);
    backupsAged(Duration.ofHours(1));
    when(infrastructure.applyStack(any()))
        .thenAnswer(
            call -> {
              StackSpec spec = call.getArgument(0);
              return new StackOutputs(
                  spec.workspace(),
                  spec.region(),
                  Map.of("app_endpoint", "api." + spec.region() + ".flowviz.com"),
                  DR_DATABASE);
            });
    when(dns.applyChangeBatch(any()))
        .thenReturn(
            new DnsChange(
                "Z1",
                "C1",
                "PENDING",
                false,
                List.of("api.flowviz.com CNAME api.us-west-2.flowviz.com (60s)")));
    when(dns.checkChangeInSync(any()))
        .thenReturn(new DnsChange("Z1", "C1", "INSYNC", false, List.of()));
    when(verification.probeHealth(any(), any()))
        .thenReturn(new HealthReport("https://api.flowviz.com/health", true, 3, 2100, List.of()));
    env.start();
  }

  @Test
  void dnsIsNotChangedWithoutApprovalAndIsOnceApproved() {
    WorkflowStub stub =
        start("failover-approve", FailoverRequest.failover("erin", "us-east-1 outage"));
    env.sleep(Duration.ofHours(2));

    FailoverProgress waiting = stub.query("progress", FailoverProgress.class);
    assertEquals(Decision.DNS_SWITCH, waiting.pendingGate());
    assertTrue(
        waiting.gateQuestion().contains("Approve to switch DNS with dr-failover-dns.json"),
        waiting.gateQuestion());
    verify(dns, never()).applyChangeBatch(any());

    String answer =
        stub.update("decide", String.class, Decision.approve(Decision.DNS_SWITCH, "frank", "go"));
    FailoverResult result = stub.getResult(FailoverResult.class);

    assertTrue(answer.contains("goes on now"), answer);
    assertEquals(FailoverResult.SWITCHED, result.outcome());
    verify(dns, times(1)).applyChangeBatch(any());
    assertEquals("frank", result.decisions().get(0).by());
    HistoryRecorder.recordIfAsked(
        client, "failover-approve", "cross-region-failover-v2-search-attributes-approved");
  }

  @Test
  void anApprovalThatArrivesDuringTheRestoreIsHonouredWhenItFinishes() {
    WorkflowStub stub = start("failover-early", FailoverRequest.failover("erin", null));
    env.sleep(Duration.ofMinutes(20)); // the restore takes an hour

    String answer =
        stub.update(
            "decide",
            String.class,
            Decision.approve(Decision.DNS_SWITCH, "frank", "approved ahead"));
    FailoverResult result = stub.getResult(FailoverResult.class);

    assertTrue(answer.contains("applies when the failover reaches the gate"), answer);
    assertEquals(FailoverResult.SWITCHED, result.outcome());
    Duration atGate =
        result.steps().stream()
            .filter(s -> s.step().equals("approve-dns-switch"))
            .findFirst()
            .orElseThrow()
            .duration();
    assertEquals(Duration.ZERO, atGate, "no wait at the gate");
  }

  @Test
  void beforeTheGateALaterDecisionReplacesAnEarlierOne() {
    WorkflowStub stub = start("failover-changed-mind", FailoverRequest.failover("erin", null));
    env.sleep(Duration.ofMinutes(20));

    stub.signal("decision", Decision.approve(Decision.DNS_SWITCH, "frank", "go"));
    stub.update(
        "decide",
        String.class,
        Decision.reject(Decision.DNS_SWITCH, "grace", "wait, the primary is back"));
    FailoverResult result = stub.getResult(FailoverResult.class);

    assertEquals(
        FailoverResult.DNS_SWITCH_REJECTED,
        result.outcome(),
        "the latest decision before the gate counts");
    verify(dns, never()).applyChangeBatch(any());
  }

  @Test
  void aGateAlreadyPassedTakesNoMoreDecisions() {
    backupsAged(Duration.ofHours(30));
    WorkflowStub stub = start("failover-passed", FailoverRequest.failover("erin", null));
    env.sleep(Duration.ofMinutes(5));
    stub.update(
        "decide",
        String.class,
        Decision.approve(Decision.STALE_BACKUP, "henry", "it is all we have"));
    env.sleep(
        Duration.ofMinutes(
            10)); // the restore takes an hour: the failover is past the stale-backup gate

    WorkflowUpdateException late =
        assertThrows(
            WorkflowUpdateException.class,
            () ->
                stub.update(
                    "decide",
                    String.class,
                    Decision.reject(Decision.STALE_BACKUP, "ivan", "too late?")));

    assertTrue(
        late.getCause().getMessage().contains("already passed: approved by henry"),
        late.getCause().getMessage());
    stub.update("decide", String.class, Decision.approve(Decision.DNS_SWITCH, "frank", null));
    assertEquals(FailoverResult.SWITCHED, stub.getResult(FailoverResult.class).outcome());
  }

  @Test
  void aRejectionEndsTheFailoverCleanlyAndRecordsWhoRejected() {
    WorkflowStub stub = start("failover-reject", FailoverRequest.failover("erin", null));
    env.sleep(Duration.ofHours(2));

    stub.signal(
        "decision", Decision.reject(Decision.DNS_SWITCH, "grace", "primary is coming back"));
    FailoverResult result = stub.getResult(FailoverResult.class);

    assertEquals(FailoverResult.DNS_SWITCH_REJECTED, result.outcome());
    verify(dns, never()).applyChangeBatch(any());
    AuditEntry last =
        audit.stream().filter(a -> a.step().equals("failover")).reduce((a, b) -> b).orElseThrow();
    assertEquals(FailoverResult.DNS_SWITCH_REJECTED, last.outcome());
    assertTrue(
        last.details().contains("rejected by grace: primary is coming back"), last.details());
  }

  @Test
  void aBackupOlderThanTheRpoMaximumStopsAndAsksStatingTheDataLoss() {
    backupsAged(Duration.ofHours(30));
    WorkflowStub stub = start("failover-stale", FailoverRequest.failover("erin", null));
    env.sleep(Duration.ofMinutes(5));

    FailoverProgress waiting = stub.query("progress", FailoverProgress.class);
    assertEquals(Decision.STALE_BACKUP, waiting.pendingGate());
    assertTrue(waiting.gateQuestion().contains("restoring it loses 30h"), waiting.gateQuestion());
    verify(infrastructure, never()).applyStack(any());

    stub.update(
        "decide",
        String.class,
        Decision.reject(Decision.STALE_BACKUP, "henry", "find a fresher copy"));
    FailoverResult result = stub.getResult(FailoverResult.class);
    assertEquals(FailoverResult.STALE_BACKUP_REJECTED, result.outcome());
    verify(infrastructure, never()).applyStack(any());
    assertTrue(childRequests.isEmpty());
  }

  @Test
  void aStaleBackupDecisionIsRefusedWhenNothingAsksForIt() {
    WorkflowStub stub = start("failover-validate", FailoverRequest.failover("erin", null));
    env.sleep(Duration.ofMinutes(5));
    assertThrows(
        WorkflowUpdateException.class,
        () ->
            stub.update(
                "decide", String.class, Decision.approve(Decision.STALE_BACKUP, "ivan", null)));
    assertThrows(
        WorkflowUpdateException.class,
        () -> stub.update("decide", String.class, Decision.approve(Decision.DNS_SWITCH, "", null)));
  }

  @Test
  void aPreApprovingPolicyNeedsNoPerson() {
    FailoverRequest automated =
        FailoverRequest.builder()
            .direction("failover")
            .dnsApproval(new DnsApproval("pre-approved", "alertmanager policy region-down"))
            .operator("alertmanager")
            .build();

    FailoverResult result = start("failover-auto", automated).getResult(FailoverResult.class);

    assertEquals(FailoverResult.SWITCHED, result.outcome());
    assertEquals("alertmanager policy region-down", result.decisions().get(0).by());
  }

  @Test
  void aHealthCheckThatNeverTurnsGreenIsReportedAndDnsIsNotFlippedBack() {
    FailoverResult result = aPreApprovedFailoverThatNeverTurnsHealthy("failover-unhealthy");

    assertTrue(
        result.steps().stream()
            .anyMatch(s -> s.detail() != null && s.detail().contains("HTTP 503")));
  }

  @Test
  void failbackIsTheSameWorkflowWithTheRolesSwapped() {
    FailoverRequest failback =
        FailoverRequest.builder()
            .direction("failback")
            .dnsApproval(new DnsApproval("pre-approved", "change CAB-42"))
            .operator("erin")
            .reason("primary region back")
            .build();

    FailoverResult result = start("failback", failback).getResult(FailoverResult.class);

    assertEquals("failback", result.direction());
    verify(storage).newestBackup("flowviz-backups", "us-east-1", "daily/");
    verify(storage).newestBackup("flowviz-backups-prod-us-west-2", "us-west-2", "daily/");
    verify(infrastructure).applyStack(new StackSpec("prod", "us-east-1"));
    verify(dns)
        .applyChangeBatch(
            org.mockito.ArgumentMatchers.argThat(
                (DnsChangeRequest r) ->
                    r.changeBatch().equals("dr-failback-dns.json")
                        && r.variables().get("app_endpoint").equals("api.us-east-1.flowviz.com")));
    assertEquals("us-east-1", childRequests.get(0).bucketRegion());
    assertEquals("flowviz-backups", childRequests.get(0).bucket());
  }

  @Test
  void aFailbackOverNewerDrDataHoldsAtAGateStatingTheLossAndARejectionChangesNothing() {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    newestBackups(now.minus(Duration.ofHours(6)), now.minus(Duration.ofHours(1)));
    WorkflowStub stub = start("failback-newer-dr", preApprovedFailback());
    env.sleep(Duration.ofMinutes(5));

    FailoverProgress waiting = stub.query("progress", FailoverProgress.class);
    assertEquals(
        Decision.FAILBACK_DATA_LOSS,
        waiting.pendingGate(),
        "a pre-approved DNS policy does not accept a data loss");
    assertTrue(
        waiting
            .gateQuestion()
            .contains(
                "is 5h 00m newer than the primary's newest backup"
                    + " daily/flowviz_daily_primary.dump.gpg"),
        waiting.gateQuestion());
    assertTrue(
        waiting
            .gateQuestion()
            .contains("loses at least every write the DR database made in those 5h 00m"),
        waiting.gateQuestion());
    verify(infrastructure, never()).applyStack(any());

    stub.update(
        "decide",
        String.class,
        Decision.reject(Decision.FAILBACK_DATA_LOSS, "henry", "back up the DR database first"));
    FailoverResult result = stub.getResult(FailoverResult.class);

    assertEquals(FailoverResult.FAILBACK_DATA_LOSS_REJECTED, result.outcome());
    verify(infrastructure, never()).applyStack(any());
    verify(dns, never()).applyChangeBatch(any());
    assertTrue(childRequests.isEmpty(), "nothing was restored");
    AuditEntry last =
        audit.stream().filter(a -> a.step().equals("failback")).reduce((a, b) -> b).orElseThrow();
    assertEquals(FailoverResult.FAILBACK_DATA_LOSS_REJECTED, last.outcome());
    assertTrue(
        last.details().contains("rejected by henry") && last.details().contains("5h 00m newer"),
        last.details());
    HistoryRecorder.recordIfAsked(
        client, "failback-newer-dr", "cross-region-failover-v4-failback-data-loss-rejected");
  }

  @Test
  void anAcceptedFailbackDataLossGoesOnAndIsOnRecord() {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    newestBackups(now.minus(Duration.ofHours(6)), now.minus(Duration.ofMinutes(90)));
    WorkflowStub stub = start("failback-accepted", preApprovedFailback());
    assertThrows(
        WorkflowUpdateException.class,
        () ->
            stub.update(
                "decide",
                String.class,
                Decision.approve(Decision.FAILBACK_DATA_LOSS, "ivan", "before it is stated")));
    env.sleep(Duration.ofMinutes(5));

    stub.update(
        "decide",
        String.class,
        Decision.approve(Decision.FAILBACK_DATA_LOSS, "henry", "the DR writes were test traffic"));
    FailoverResult result = stub.getResult(FailoverResult.class);

    assertEquals(FailoverResult.SWITCHED, result.outcome());
    assertEquals(
        "henry",
        result.decisions().stream()
            .filter(d -> d.gate().equals(Decision.FAILBACK_DATA_LOSS))
            .findFirst()
            .orElseThrow()
            .by());
    assertEquals("flowviz-backups", childRequests.get(0).bucket());
  }

  @Test
  void aFailbackWhoseDrBackupsCannotBeReadIsHeldTooAndAFailbackWithNothingNewerIsNot() {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    org.mockito.Mockito.doAnswer(
            call -> {
              String bucket = call.getArgument(0);
              String region = call.getArgument(1);
              return bucket.contains("us-west-2")
                  ? new BucketFreshness(bucket, region, false, null, "Access Denied")
                  : new BucketFreshness(
                      bucket,
                      region,
                      true,
                      backup(bucket, region, "primary", now.minus(Duration.ofHours(2))),
                      null);
            })
        .when(storage)
        .newestBackup(any(), any(), any());
    WorkflowStub unreadable = start("failback-dr-unreadable", preApprovedFailback());
    env.sleep(Duration.ofMinutes(5));
    FailoverProgress waiting = unreadable.query("progress", FailoverProgress.class);
    assertEquals(Decision.FAILBACK_DATA_LOSS, waiting.pendingGate());
    assertTrue(
        waiting.gateQuestion().contains("cannot be read (Access Denied)"), waiting.gateQuestion());
    unreadable.update(
        "decide", String.class, Decision.reject(Decision.FAILBACK_DATA_LOSS, "henry", null));
    assertEquals(
        FailoverResult.FAILBACK_DATA_LOSS_REJECTED,
        unreadable.getResult(FailoverResult.class).outcome());

    // The DR side's newest backup was copied to the primary bucket: same key, same time (taken
    // 30 minutes before this second failback starts, so within the RPO and no stale-backup gate).
    Instant later = Instant.ofEpochMilli(env.currentTimeMillis());
    newestBackups(later.minus(Duration.ofMinutes(30)), later.minus(Duration.ofMinutes(30)));
    FailoverResult copied =
        start("failback-copied", preApprovedFailback()).getResult(FailoverResult.class);
    assertEquals(FailoverResult.SWITCHED, copied.outcome());
    assertTrue(
        copied.steps().stream().noneMatch(st -> st.step().equals("approve-failback-data-loss")));
  }

  private static FailoverRequest preApprovedFailback() {
    return FailoverRequest.builder()
        .direction("failback")
        .dnsApproval(new DnsApproval("pre-approved", "change CAB-42"))
        .operator("erin")
        .reason("primary region back")
        .build();
  }

  /** The newest backup of the primary bucket (failback's source) and of the DR bucket. */
  private void newestBackups(Instant primary, Instant dr) {
    org.mockito.Mockito.doAnswer(
            call -> {
              String bucket = call.getArgument(0);
              String region = call.getArgument(1);
              boolean drSide = bucket.contains("us-west-2");
              return new BucketFreshness(
                  bucket,
                  region,
                  true,
                  backup(
                      bucket,
                      region,
                      drSide && !primary.equals(dr) ? "dr" : "primary",
                      drSide ? dr : primary),
                  null);
            })
        .when(storage)
        .newestBackup(any(), any(), any());
  }

  private static BackupObject backup(String bucket, String region, String name, Instant takenAt) {
    return new BackupObject(
        bucket,
        "daily/flowviz_daily_" + name + ".dump.gpg",
        takenAt,
        takenAt,
        10,
        "STANDARD",
        "e",
        region);
  }

  @Test
  void theFailoverRestoresTheNewestDrBackupIntoTheDrDatabase() {
    FailoverRequest preApproved =
        FailoverRequest.builder()
            .dnsApproval(new DnsApproval("pre-approved", "drill"))
            .operator("erin")
            .build();

    FailoverResult result = start("failover-restore", preApproved).getResult(FailoverResult.class);

    RestoreRequest child = childRequests.get(0);
    assertEquals("flowviz-backups-prod-us-west-2", child.bucket());
    assertEquals("us-west-2", child.bucketRegion());
    assertEquals(DR_DATABASE, child.targetServer());
    assertEquals(
        Duration.ofHours(3),
        result.freshness().replicationLag(),
        "the primary's newest is 3 h ahead of the DR copy");
    assertNull(result.freshness().compared().problem());
    verify(infrastructure).applyStack(new StackSpec("prod-dr", "us-west-2"));
    verify(dns)
        .applyChangeBatch(
            eq(
                new DnsChangeRequest(
                    null,
                    "dr-failover-dns.json",
                    Map.of("app_endpoint", "api.us-west-2.flowviz.com", "region", "us-west-2"),
                    "failover-restore")));
  }

  @Test
  void withThePrimaryRegionUnreachableTheFailoverGoesOnFromTheDrSideAndNamesTheSkippedComparison() {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    org.mockito.Mockito.doAnswer(
            call -> {
              String bucket = call.getArgument(0);
              String region = call.getArgument(1);
              if (region.equals("us-east-1")) {
                return new BucketFreshness(
                    bucket,
                    region,
                    false,
                    null,
                    "Unable to execute HTTP request: Connection refused");
              }
              Instant takenAt = now.minus(Duration.ofHours(2));
              return new BucketFreshness(
                  bucket,
                  region,
                  true,
                  new BackupObject(
                      bucket,
                      "daily/flowviz_daily_x.dump.gpg",
                      takenAt,
                      takenAt,
                      10,
                      "STANDARD",
                      "e",
                      region),
                  null);
            })
        .when(storage)
        .newestBackup(any(), any(), any());
    FailoverRequest preApproved =
        FailoverRequest.builder()
            .dnsApproval(new DnsApproval("pre-approved", "region-down policy"))
            .operator("erin")
            .reason("us-east-1 outage")
            .build();

    FailoverResult result =
        start("failover-primary-unreachable", preApproved).getResult(FailoverResult.class);

    assertEquals(FailoverResult.SWITCHED, result.outcome());
    assertNull(result.freshness().replicationLag());
    var skipped =
        result.steps().stream()
            .filter(s -> s.step().equals(FailoverSteps.COMPARE_REPLICATION))
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no " + FailoverSteps.COMPARE_REPLICATION + " step in " + result.steps()));
    assertEquals(StepRecord.SKIPPED, skipped.outcome());
    assertTrue(
        skipped.detail().startsWith("us-east-1 unreachable: replication lag not measured"),
        skipped.detail());
    assertTrue(skipped.detail().contains("Connection refused"), skipped.detail());
    assertTrue(
        audit.stream().anyMatch(e -> e.step().equals(FailoverSteps.COMPARE_REPLICATION)),
        "the skip is in the audit trail");
    assertEquals("us-west-2", childRequests.get(0).bucketRegion());
    HistoryRecorder.recordIfAsked(
        client,
        "failover-primary-unreachable",
        "cross-region-failover-v3-primary-region-unreachable");
  }

  /**
   * A health URL from the input meets the worker's rules before anything is provisioned; then the
   * probe uses it.
   */
  @Test
  void aHealthUrlFromTheInputIsCheckedBeforeAnythingIsProvisioned() {
    FailoverRequest preApproved =
        FailoverRequest.builder()
            .healthUrl("https://status.flowviz.com/health")
            .dnsApproval(new DnsApproval("pre-approved", "region-down policy"))
            .operator("erin")
            .reason("us-east-1 outage")
            .build();

    FailoverResult result =
        start("failover-health-url", preApproved).getResult(FailoverResult.class);

    assertEquals(FailoverResult.SWITCHED, result.outcome());
    org.mockito.InOrder order = org.mockito.Mockito.inOrder(verification, infrastructure);
    order.verify(verification).checkHealthUrl("https://status.flowviz.com/health");
    order.verify(infrastructure).applyStack(any());
    verify(verification).probeHealth(eq("https://status.flowviz.com/health"), any());
    HistoryRecorder.recordIfAsked(
        client, "failover-health-url", "cross-region-failover-v4-health-url-checked");
  }

  @Test
  void aHealthUrlTheWorkerRefusesEndsTheFailoverAtOnceWithNothingChanged() {
    org.mockito.Mockito.doThrow(
            ApplicationFailure.newNonRetryableFailure(
                "healthUrl \"http://127.0.0.1:8080/health\" answers 302 (a redirect), and redirects"
                    + " are not followed",
                FailureTypes.INVALID_INPUT))
        .when(verification)
        .checkHealthUrl(any());
    FailoverRequest request =
        FailoverRequest.builder()
            .healthUrl("http://127.0.0.1:8080/health")
            .dnsApproval(new DnsApproval("pre-approved", "region-down policy"))
            .operator("erin")
            .build();

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> start("failover-bad-health-url", request).getResult(FailoverResult.class));

    ApplicationFailure failure = (ApplicationFailure) e.getCause();
    assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("redirects are not followed"),
        failure.getOriginalMessage());
    verify(infrastructure, never()).applyStack(any());
    verify(dns, never()).applyChangeBatch(any());
  }

  @Test
  void withBothRegionsReadableNoComparisonIsSkipped() {
    FailoverRequest preApproved =
        FailoverRequest.builder()
            .dnsApproval(new DnsApproval("pre-approved", "drill"))
            .operator("erin")
            .build();

    FailoverResult result =
        start("failover-both-readable", preApproved).getResult(FailoverResult.class);

    assertTrue(
        result.steps().stream().noneMatch(s -> s.step().equals(FailoverSteps.COMPARE_REPLICATION)),
        result.steps().toString());
  }

  /**
   * The DR bucket's newest backup is {@code age} old; the primary bucket's is three hours newer.
   */
  private void backupsAged(Duration age) {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    org.mockito.Mockito.doAnswer(
            call -> {
              String bucket = call.getArgument(0);
              String region = call.getArgument(1);
              Instant takenAt =
                  bucket.contains("us-west-2")
                      ? now.minus(age)
                      : now.minus(age).plus(Duration.ofHours(3));
              return new BucketFreshness(
                  bucket,
                  region,
                  true,
                  new BackupObject(
                      bucket,
                      "daily/flowviz_daily_x.dump.gpg",
                      takenAt,
                      takenAt,
                      10,
                      "STANDARD",
                      "e",
                      region),
                  null);
            })
        .when(storage)
        .newestBackup(any(), any(), any());
  }

  private WorkflowStub start(String id, FailoverRequest request) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "CrossRegionFailover",
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
    stub.start(request);
    return stub;
  }

  // ---- Issue 16: one recorded history per path through 4.4's gates ----

  @Test
  void pathARejectedDnsSwitchIsRecorded() {
    WorkflowStub stub = start("failover-dns-rejected", FailoverRequest.failover("erin", null));
    env.sleep(Duration.ofHours(2));

    stub.update(
        "decide", String.class, Decision.reject(Decision.DNS_SWITCH, "grace", "primary is back"));
    FailoverResult result = stub.getResult(FailoverResult.class);

    assertEquals(FailoverResult.DNS_SWITCH_REJECTED, result.outcome());
    verify(dns, never()).applyChangeBatch(any());
    HistoryRecorder.recordIfAsked(
        client, "failover-dns-rejected", "cross-region-failover-v8-paths-dns-rejected");
  }

  @Test
  void pathAnUnansweredDnsSwitchTimesOutAndChangesNoDns() {
    FailoverResult result =
        start(
                "failover-dns-unanswered",
                FailoverRequest.failover("erin", null).toBuilder().approvalTimeout("PT4H").build())
            .getResult(FailoverResult.class);

    assertEquals(FailoverResult.APPROVAL_TIMED_OUT, result.outcome());
    verify(dns, never()).applyChangeBatch(any());
    HistoryRecorder.recordIfAsked(
        client, "failover-dns-unanswered", "cross-region-failover-v8-paths-dns-unanswered");
  }

  @Test
  void pathAnAcceptedStaleBackupGoesOnToTheDnsGate() {
    backupsAged(Duration.ofHours(30));
    WorkflowStub stub = start("failover-stale-approved", FailoverRequest.failover("erin", null));
    env.sleep(Duration.ofMinutes(5));

    stub.update(
        "decide",
        String.class,
        Decision.approve(Decision.STALE_BACKUP, "henry", "it is all we have"));
    env.sleep(Duration.ofHours(2));
    stub.update("decide", String.class, Decision.approve(Decision.DNS_SWITCH, "frank", "go"));
    FailoverResult result = stub.getResult(FailoverResult.class);

    assertEquals(FailoverResult.SWITCHED, result.outcome());
    assertEquals(1, childRequests.size(), "the stale backup was restored");
    assertEquals(
        List.of(Decision.STALE_BACKUP, Decision.DNS_SWITCH),
        result.decisions().stream().map(Decision::gate).toList());
    HistoryRecorder.recordIfAsked(
        client, "failover-stale-approved", "cross-region-failover-v8-paths-stale-backup-approved");
  }

  @Test
  void pathARejectedStaleBackupIsRecorded() {
    backupsAged(Duration.ofHours(30));
    WorkflowStub stub = start("failover-stale-rejected", FailoverRequest.failover("erin", null));
    env.sleep(Duration.ofMinutes(5));

    stub.update(
        "decide",
        String.class,
        Decision.reject(Decision.STALE_BACKUP, "henry", "find a fresher copy"));
    FailoverResult result = stub.getResult(FailoverResult.class);

    assertEquals(FailoverResult.STALE_BACKUP_REJECTED, result.outcome());
    verify(infrastructure, never()).applyStack(any());
    assertTrue(childRequests.isEmpty());
    HistoryRecorder.recordIfAsked(
        client, "failover-stale-rejected", "cross-region-failover-v8-paths-stale-backup-rejected");
  }

  @Test
  void pathAnAcceptedFailbackDataLossIsRecorded() {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    newestBackups(now.minus(Duration.ofHours(6)), now.minus(Duration.ofMinutes(90)));
    WorkflowStub stub = start("failback-loss-accepted", preApprovedFailback());
    env.sleep(Duration.ofMinutes(5));

    stub.update(
        "decide",
        String.class,
        Decision.approve(Decision.FAILBACK_DATA_LOSS, "henry", "the DR writes were test traffic"));
    FailoverResult result = stub.getResult(FailoverResult.class);

    assertEquals(FailoverResult.SWITCHED, result.outcome());
    assertEquals("flowviz-backups", childRequests.get(0).bucket());
    HistoryRecorder.recordIfAsked(
        client,
        "failback-loss-accepted",
        "cross-region-failover-v8-paths-failback-data-loss-approved");
  }

  @Test
  void pathAHealthCheckThatNeverTurnsGreenIsRecorded() {
    aPreApprovedFailoverThatNeverTurnsHealthy("failover-switched-unhealthy");

    HistoryRecorder.recordIfAsked(
        client, "failover-switched-unhealthy", "cross-region-failover-v8-paths-switched-unhealthy");
  }

  /** A pre-approved failover whose health check stays red: DNS is switched once, never back. */
  private FailoverResult aPreApprovedFailoverThatNeverTurnsHealthy(String workflowId) {
    when(verification.probeHealth(any(), any()))
        .thenReturn(
            new HealthReport(
                "https://api.flowviz.com/health",
                false,
                600,
                -1,
                List.of(new HealthObservation(Instant.EPOCH, 503, 40, "{\"db\":\"down\"}"))));
    FailoverRequest preApproved =
        FailoverRequest.builder()
            .dnsApproval(new DnsApproval("pre-approved", "drill"))
            .operator("erin")
            .build();

    FailoverResult result = start(workflowId, preApproved).getResult(FailoverResult.class);

    assertEquals(FailoverResult.SWITCHED_UNHEALTHY, result.outcome());
    verify(dns, times(1)).applyChangeBatch(any());
    return result;
  }

  // ---- Issue 16: the failure envelope's paths (failure, cancellation, refused input) ----

  private io.temporal.client.WorkflowFailedException failureOf(WorkflowStub stub) {
    return org.junit.jupiter.api.Assertions.assertThrows(
        io.temporal.client.WorkflowFailedException.class,
        () -> stub.getResult(FailoverResult.class));
  }

  private boolean onRecord(String step, String outcome) {
    return audit.stream().anyMatch(a -> a.step().equals(step) && a.outcome().equals(outcome));
  }

  @Test
  void pathAFailoverWhoseStackFailsIsRecordedAndFails() {
    org.mockito.Mockito.doThrow(
            io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
                "terraform apply failed: quota exceeded", "TerraformFailed"))
        .when(infrastructure)
        .applyStack(any());

    io.temporal.client.WorkflowFailedException e =
        failureOf(start("failover-stack-failed", FailoverRequest.failover("erin", null)));

    assertEquals(
        "TerraformFailed", ((io.temporal.failure.ApplicationFailure) e.getCause()).getType());
    assertTrue(onRecord("failover", "FAILED"), audit.toString());
    verify(dns, never()).applyChangeBatch(any());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "failover-stack-failed", "cross-region-failover-v8-paths-failover-failed");
  }

  @Test
  void pathAFailbackWhoseDnsChangeFailsIsRecordedAndFails() {
    org.mockito.Mockito.doThrow(
            io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
                "Route 53 refused the change batch", "DnsChangeRefused"))
        .when(dns)
        .applyChangeBatch(any());

    io.temporal.client.WorkflowFailedException e =
        failureOf(start("failback-dns-failed", preApprovedFailback()));

    assertEquals(
        "DnsChangeRefused", ((io.temporal.failure.ApplicationFailure) e.getCause()).getType());
    assertTrue(onRecord("failback", "FAILED"), audit.toString());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "failback-dns-failed", "cross-region-failover-v8-paths-failback-failed");
  }

  @Test
  void pathAFailoverCancelledDuringTheRestoreIsRecordedAsCancelled() {
    WorkflowStub stub = start("failover-cancelled", FailoverRequest.failover("erin", null));
    env.sleep(Duration.ofMinutes(5));

    stub.cancel();

    assertInstanceOf(io.temporal.failure.CanceledFailure.class, failureOf(stub).getCause());
    assertTrue(onRecord("failover", "CANCELLED"), audit.toString());
    verify(dns, never()).applyChangeBatch(any());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "failover-cancelled", "cross-region-failover-v8-paths-failover-cancelled");
  }

  @Test
  void pathAFailbackCancelledDuringTheRestoreIsRecordedAsCancelled() {
    WorkflowStub stub = start("failback-cancelled", preApprovedFailback());
    env.sleep(Duration.ofMinutes(5));

    stub.cancel();

    assertInstanceOf(io.temporal.failure.CanceledFailure.class, failureOf(stub).getCause());
    assertTrue(onRecord("failback", "CANCELLED"), audit.toString());
    verify(dns, never()).applyChangeBatch(any());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "failback-cancelled", "cross-region-failover-v8-paths-failback-cancelled");
  }

  @Test
  void pathADirectionThatIsNotOneIsRefusedBeforeAnyCommand() {
    FailoverRequest sideways =
        FailoverRequest.failover("erin", null).toBuilder().direction("sideways").build();

    io.temporal.client.WorkflowFailedException e =
        failureOf(start("failover-input-refused", sideways));

    assertEquals(
        com.flowviz.dr.workflows.FailureTypes.INVALID_INPUT,
        ((io.temporal.failure.ApplicationFailure) e.getCause()).getType());
    verify(infrastructure, never()).applyStack(any());
    verify(storage, never()).newestBackup(any(), any(), any());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "failover-input-refused", "cross-region-failover-v8-paths-input-refused");
  }
}
