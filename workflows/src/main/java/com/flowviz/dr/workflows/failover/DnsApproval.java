package com.flowviz.dr.workflows.failover;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Who may switch DNS. By default a person approves at the gate; an automated trigger whose policy
 * allows it passes "pre-approved" with the policy's name in {@code by}.
 *
 * @param mode "required" (default) or "pre-approved"
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DnsApproval(String mode, String by) {
  public static final String REQUIRED = "required";
  public static final String PRE_APPROVED = "pre-approved";
}
