package com.flowviz.dr.workflows.newinstance;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.app.PublishOutcome;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.crypto.ArchiveHeader;
import com.flowviz.dr.activities.postgres.ServerInfo;
import com.flowviz.dr.activities.provision.ProvisionedInstance;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.time.Duration;
import java.util.List;

/**
 * @param outcome RESTORED, or RESTORED_APPLICATION_UNHEALTHY when the connectivity test failed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
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
    Duration elapsed) {}
