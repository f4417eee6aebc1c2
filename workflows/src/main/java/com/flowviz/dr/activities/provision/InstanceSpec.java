package com.flowviz.dr.activities.provision;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A PostgreSQL instance to provision. The name comes from the workflow id, so a retried or
 * restarted workflow finds the instance it already made instead of making a second one.
 *
 * @param region where to provision, for provisioners that know regions (terraform); may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InstanceSpec(String name, String region) {}
