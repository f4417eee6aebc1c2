package com.flowviz.dr.workflows.newinstance;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.app.PublishOutcome;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.crypto.ArchiveHeader;
import com.flowviz.dr.activities.postgres.ServerInfo;
import com.flowviz.dr.activities.provision.ProvisionedInstance;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.util.List;

/**
 * @param outcome RESTORED, RESTORED_APPLICATION_UNHEALTHY when the connectivity test failed, or
 *     NOT_REPOINTED when the repoint gate was rejected or unanswered (the instance stays, holding
 *     the restore)
 * @param repointDecision the answer at the repoint gate, when the request held the repoint for a
 *     person
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record NewInstanceResult(
    String outcome,
    ProvisionedInstance instance,
    ServerInfo server,
    ArchiveHeader archive,
    RestoreResult restore,
    PublishOutcome published,
    RestartOutcome restart,
    ConnectivityReport connectivity,
    List<StepRecord> steps,
    Duration elapsed,
    Decision repointDecision) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static NewInstanceResultBuilder builder() {
    return NewInstanceResultBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public NewInstanceResultBuilder toBuilder() {
    return NewInstanceResultBuilder.builder(this);
  }

  public static final String NOT_REPOINTED = "NOT_REPOINTED";
}
