package com.flowviz.dr.activities.infra;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The terraform stack of a region: {@code terraform workspace select <workspace>; terraform apply
 * -var region=<region>}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StackSpec(String workspace, String region) {}
