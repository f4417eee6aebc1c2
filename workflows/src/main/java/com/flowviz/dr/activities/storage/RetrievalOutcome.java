package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What asking for a retrieval did.
 *
 * @param outcome REQUESTED (S3 accepted a new request), JOINED (a retrieval was already under way,
 *     from an earlier attempt or another operator), ALREADY_RETRIEVED, or NOT_ARCHIVED
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RetrievalOutcome(String outcome, ArchiveStatus status) {
  public static final String REQUESTED = "REQUESTED";
  public static final String JOINED = "JOINED";
  public static final String ALREADY_RETRIEVED = "ALREADY_RETRIEVED";
  public static final String NOT_ARCHIVED = "NOT_ARCHIVED";
}
