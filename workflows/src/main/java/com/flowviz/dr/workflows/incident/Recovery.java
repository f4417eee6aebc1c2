package com.flowviz.dr.workflows.incident;

import com.flowviz.dr.activities.incident.RotationOutcome;
import com.flowviz.dr.activities.postgres.DataGap;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.UndeleteOutcome;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.common.RpoAssessment;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;
import java.util.List;

/**
 * What the procedure of a scenario did, for the post-recovery checks and the report.
 *
 * @param liveServer where the application's database now is (null: the worker's own server)
 * @param replacedDatabase the live database a restore replaced (it holds the lost transactions)
 * @param healthy the procedure's own end state was good (application healthy, DNS switched)
 * @param abandoned nothing was changed, by the operator's choice or a rejection at a gate
 */
@RecordBuilder
record Recovery(
    String procedure,
    String procedureWorkflowId,
    String procedureOutcome,
    BackupObject backup,
    VerificationReport verification,
    RpoAssessment rpo,
    Instant recoveredAt,
    PgServer liveServer,
    String liveDatabase,
    String replacedDatabase,
    DataGap dataGap,
    RecoveryChoice choice,
    UndeleteOutcome undelete,
    RotationOutcome rotation,
    List<String> actions,
    boolean healthy,
    boolean abandoned) {
  /** A builder that names every field; unset fields are null (the runbook's defaults apply). */
  public static RecoveryBuilder builder() {
    return RecoveryBuilder.builder();
  }

  /** A builder holding this record's fields, to change some of them by name. */
  public RecoveryBuilder toBuilder() {
    return RecoveryBuilder.builder(this);
  }
}
