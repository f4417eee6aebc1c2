package com.flowviz.dr.activities.provision;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.postgres.PgServer;

/**
 * @param provisioner local, docker or terraform
 * @param server where it listens; its password is in the secret store under server.passwordSecret
 * @param reused true when an earlier attempt had made it already
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProvisionedInstance(
    String name, String provisioner, PgServer server, boolean reused, String details) {}
