package com.flowviz.dr.activities.provision;

/**
 * A provisioning problem that retrying will not fix (no Docker engine, a broken Terraform
 * configuration).
 */
public class ProvisioningException extends RuntimeException {
  public ProvisioningException(String message) {
    super(message);
  }
}
