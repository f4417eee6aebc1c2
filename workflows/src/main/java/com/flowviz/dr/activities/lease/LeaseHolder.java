package com.flowviz.dr.activities.lease;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The procedure holding a database lease.
 *
 * @param held false when the lease is no longer running (released since, or stale and cleared)
 * @param holderWorkflowId the workflow that started the lease, the one to wait for
 * @param holderType its workflow type (RestoreFromBackup, HandleIncident, ...)
 * @param holderStartedAt when it started, ISO-8601
 * @param rootWorkflowId the top of the holder's chain of parents (an incident, for its restore)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LeaseHolder(
    String leaseWorkflowId,
    boolean held,
    String holderWorkflowId,
    String holderType,
    String holderStartedAt,
    String rootWorkflowId) {

  public static LeaseHolder free(String leaseWorkflowId) {
    return new LeaseHolder(leaseWorkflowId, false, null, null, null, null);
  }

  public String describe() {
    return holderWorkflowId
        + (holderType == null
            ? ""
            : " ("
                + holderType
                + (holderStartedAt == null ? "" : ", started " + holderStartedAt)
                + ")");
  }
}
