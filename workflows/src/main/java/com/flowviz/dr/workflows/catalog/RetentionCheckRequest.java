package com.flowviz.dr.workflows.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param bucket default flowviz-backups
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RetentionCheckRequest(String bucket) {}
