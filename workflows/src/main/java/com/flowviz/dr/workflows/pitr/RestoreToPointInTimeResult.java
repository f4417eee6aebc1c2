package com.flowviz.dr.workflows.pitr;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.app.PublishOutcome;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.managed.ManagedRestoreWindow;
import com.flowviz.dr.activities.managed.ManagedRestored;
import com.flowviz.dr.activities.physical.BaseBackupRestored;
import com.flowviz.dr.activities.physical.RecoveryChoice;
import com.flowviz.dr.activities.physical.RecoveryReached;
import com.flowviz.dr.activities.postgres.PgRestoreOutcome;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.common.Decision;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;

/**
 * A recovered instance: where it runs, which base backup and WAL it came from, and where recovery
 * stopped in PostgreSQL's own words; then runbook 5.1/5.2 on it and, when asked, the application
 * repointed at it (runs from before that change carry neither).
 *
 * @param managed for a managed source (RDS, Aurora): the restored database; choice, restored and
 *     reached are null then
 * @param swap for a copy into the live database: the swap that put the recovered database in its
 *     place (outcome COPIED_INTO_LIVE); null when not asked or not approved
 * @param outcome RECOVERED (not repointed: not asked, or the gate said no), RESTORED (repointed) or
 *     RESTORED_APPLICATION_UNHEALTHY; null for runs before verification
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RestoreToPointInTimeResult(
    String instance,
    String target,
    RecoveryChoice choice,
    BaseBackupRestored restored,
    RecoveryReached reached,
    Duration elapsed,
    String outcome,
    VerificationReport verification,
    Decision repointDecision,
    PublishOutcome published,
    RestartOutcome restart,
    ConnectivityReport connectivity,
    ManagedRestored managed,
    ManagedRestoreWindow managedWindow,
    PgRestoreOutcome stagingRestore,
    VerificationReport stagingVerification,
    Decision swapDecision,
    SwapOutcome swap) {

  public static final String RECOVERED = "RECOVERED";

  public static RestoreToPointInTimeResultBuilder builder() {
    return RestoreToPointInTimeResultBuilder.builder();
  }

  public RestoreToPointInTimeResultBuilder toBuilder() {
    return RestoreToPointInTimeResultBuilder.builder(this);
  }
}
