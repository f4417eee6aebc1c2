package com.flowviz.dr.activities.provision;

import java.util.Optional;

/**
 * One way to make a PostgreSQL instance: a local cluster, a Docker container, a Terraform stack.
 */
public interface Provisioner {

  /** "local", "docker" or "terraform". */
  String kind();

  /** The instance of that name, started if it was stopped; empty when there is none. */
  Optional<Endpoint> find(InstanceSpec spec);

  /**
   * Makes the instance with the given admin password (which reaches it by file or environment
   * only).
   */
  Endpoint create(InstanceSpec spec, String adminPassword);

  /** Removes the instance; false when there was none. */
  boolean destroy(InstanceSpec spec, String adminPassword);

  /** Where a provisioned instance listens. */
  record Endpoint(String host, int port, String user, String details) {}
}
