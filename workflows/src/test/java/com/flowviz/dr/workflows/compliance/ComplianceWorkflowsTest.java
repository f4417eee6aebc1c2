package com.flowviz.dr.workflows.compliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.audit.AuditActivities;
import com.flowviz.dr.activities.audit.ChainVerification;
import com.flowviz.dr.activities.incident.IncidentActivities;
import com.flowviz.dr.activities.incident.ReportLocation;
import com.flowviz.dr.activities.incident.StoredReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TestEnvironments;
import com.flowviz.dr.workflows.common.ForwardAuditEntriesWorkflow;
import com.flowviz.dr.workflows.common.ForwardAuditEntriesWorkflow.AuditForwarding;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The compliance procedures: the audit chain's check, the forwarder, the stored report. */
class ComplianceWorkflowsTest {

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final AuditActivities audit =
      mock(AuditActivities.class, withSettings().withoutAnnotations());
  private final IncidentActivities incident =
      mock(IncidentActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void setUp() {
    env =
        TestEnvironments.startedOnTheDrQueue(
            List.of(
                VerifyAuditTrailWorkflowImpl.class,
                ForwardAuditEntriesWorkflowImpl.class,
                FetchIncidentReportWorkflowImpl.class),
            audit,
            incident);
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void verifyAuditTrailReportsWhereTheChainBreaks() {
    when(audit.verifyAuditChain())
        .thenReturn(new ChainVerification(false, 120, 57, "entry 57's hash does not match"));

    ChainVerification chain =
        TestEnvironments.onTheDrQueue(client, VerifyAuditTrailWorkflow.class, "verify-audit-1")
            .verify();

    assertFalse(chain.intact());
    assertEquals(57, chain.firstBrokenEntry());
    HistoryRecorder.recordIfAsked(client, "verify-audit-1", "verify-audit-trail-v8-paths-broken");
  }

  @Test
  void theForwarderRetriesWhileTheAuditDatabaseIsDownThenForwardsTheEntries() {
    when(audit.forwardAuditEntries("incident-x", "run-1", 4))
        .thenThrow(new IllegalStateException("audit database down"))
        .thenReturn(3);
    String id = ForwardAuditEntriesWorkflow.workflowId("incident-x", "run-1", 4);

    int forwarded =
        TestEnvironments.onTheDrQueue(client, ForwardAuditEntriesWorkflow.class, id)
            .forward(new AuditForwarding("incident-x", "run-1", 4));

    assertEquals(3, forwarded);
    verify(audit, times(2)).forwardAuditEntries("incident-x", "run-1", 4);
    HistoryRecorder.recordIfAsked(client, id, "forward-audit-entries-v8-paths-forwarded");
  }

  @Test
  void fetchIncidentReportReadsTheStoredReport() {
    ReportLocation location =
        new ReportLocation(
            "flowviz-compliance", "incidents/incident-x/report.md", "incidents/incident-x/r.json");
    when(incident.readIncidentReport("incident-x"))
        .thenReturn(new StoredReport(location, "# Incident incident-x", null));

    StoredReport report =
        TestEnvironments.onTheDrQueue(client, FetchIncidentReportWorkflow.class, "fetch-report-1")
            .fetch("incident-x");

    assertEquals(location, report.location());
    assertEquals("# Incident incident-x", report.markdown());
    HistoryRecorder.recordIfAsked(client, "fetch-report-1", "fetch-incident-report-v8-paths-found");
  }

  @Test
  void fetchIncidentReportRefusesWhatIsNotAnIncidentId() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                TestEnvironments.onTheDrQueue(
                        client, FetchIncidentReportWorkflow.class, "fetch-report-2")
                    .fetch("../etc/passwd"));

    ApplicationFailure cause = (ApplicationFailure) e.getCause();
    assertEquals(FailureTypes.INVALID_INPUT, cause.getType());
    assertTrue(cause.getOriginalMessage().contains("is not an incident id"));
    verify(incident, never()).readIncidentReport(anyString());
    HistoryRecorder.recordIfAsked(
        client, "fetch-report-2", "fetch-incident-report-v8-paths-bad-id-refused");
  }
}
