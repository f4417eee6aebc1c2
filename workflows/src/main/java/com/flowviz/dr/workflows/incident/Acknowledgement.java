package com.flowviz.dr.workflows.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Someone has done a follow-up task.
 *
 * @param task the task's id (e.g. "haccp-incident-filing")
 * @param note what was done, or where it is (e.g. the filing's reference)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Acknowledgement(String task, String by, String note) {}
