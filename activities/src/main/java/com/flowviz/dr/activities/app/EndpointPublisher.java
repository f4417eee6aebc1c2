package com.flowviz.dr.activities.app;

import java.io.IOException;

/** Tells the application where its database now is (runbook 4.3 step 5). */
public interface EndpointPublisher {

  /**
   * Writes the endpoint; returns where, for the audit trail. Writing the same endpoint twice is
   * harmless.
   */
  String publish(DatabaseEndpoint endpoint) throws IOException;
}
