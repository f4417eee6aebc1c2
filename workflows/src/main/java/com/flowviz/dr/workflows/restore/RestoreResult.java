package com.flowviz.dr.workflows.restore;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.common.RpoAssessment;
import com.flowviz.dr.workflows.common.StepRecord;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.util.List;

/**
 * Result of a completed restore. A restore that fails ends the workflow with a failure instead;
 * this record always means the live database now holds verified backup data.
 *
 * @param outcome RESTORED, or RESTORED_APPLICATION_UNHEALTHY when the data is in place but the
 *     application's connectivity test did not pass, or STAGED when the request asked to stop before
 *     the swap (the verified data is then in {@code stagingDatabase}, the live database untouched)
 * @param replacedDatabase where the previous live database was kept, or null if there was none
 * @param elapsed from workflow start to the end of the last step, to hold against the RTO
 * @param dumpBytes the size of the decrypted pg_dump archive pg_restore read
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RestoreResult(
    String outcome,
    BackupObject backup,
    String targetDatabase,
    String replacedDatabase,
    VerificationReport verification,
    RpoAssessment rpo,
    RestartOutcome restart,
    ConnectivityReport connectivity,
    List<StepRecord> steps,
    Duration elapsed,
    String stagingDatabase,
    Long dumpBytes) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static RestoreResultBuilder builder() {
    return RestoreResultBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public RestoreResultBuilder toBuilder() {
    return RestoreResultBuilder.builder(this);
  }

  public static final String RESTORED = "RESTORED";
  public static final String RESTORED_APPLICATION_UNHEALTHY = "RESTORED_APPLICATION_UNHEALTHY";
  public static final String STAGED = "STAGED";
}
