package com.flowviz.dr.workflows.drill;

import com.flowviz.dr.activities.drill.DrillReport;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A restore rehearsal: the chosen backup restored onto a scratch instance and verified exactly as
 * an incident would (4.3's provisioners, 4.1's restore, 4.2's retrieval for a weekly backup), each
 * step and the whole timed against the runbook's RTO, the backup's age against its RPO, the scratch
 * instance torn down, the report kept. A failed drill notifies like an incident and ends the
 * workflow failed, its report in the failure's details.
 */
@WorkflowInterface
public interface RecoveryDrillWorkflow {

  @WorkflowMethod(name = "RecoveryDrill")
  DrillReport drill(DrillRequest request);

  @QueryMethod
  DrillProgress progress();
}
