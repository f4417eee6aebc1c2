package com.flowviz.dr.activities.workhost;

import com.flowviz.dr.workflows.TaskQueues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class WorkHostActivitiesImpl implements WorkHostActivities {

  private static final Logger log = LoggerFactory.getLogger(WorkHostActivitiesImpl.class);

  private final String hostName;
  private final WorkDirectory workDirectory;

  public WorkHostActivitiesImpl(String hostName, WorkDirectory workDirectory) {
    this.hostName = hostName;
    this.workDirectory = workDirectory;
  }

  @Override
  public String claimWorkHost() {
    return TaskQueues.forHost(hostName);
  }

  @Override
  public void discardWorkFiles(String workflowId) {
    int removed = workDirectory.discard(workflowId);
    log.info("Removed {} work files of {} from {}", removed, workflowId, workDirectory.root());
  }
}
