package com.flowviz.dr.workflows.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param limit at most this many, newest first; default 20
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ListBackupsRequest(String bucket, String prefix, Integer limit) {}
