package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One rule of a bucket's lifecycle configuration, as far as retention is concerned.
 *
 * @param prefix the rule's key prefix ("" for the whole bucket)
 * @param transitions e.g. ["30d -> GLACIER", "90d -> DEEP_ARCHIVE"]
 * @param expirationDays days after which objects are deleted, or null for never
 * @param abortIncompleteMultipartUploadDays days after which S3 aborts a multipart upload that
 *     never completed (a killed base backup's parts), or null when the rule does not
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LifecycleRule(
    String id,
    String prefix,
    boolean enabled,
    List<Transition> transitions,
    Integer expirationDays,
    Integer abortIncompleteMultipartUploadDays) {

  /** Objects move to {@code storageClass} {@code days} after creation. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Transition(int days, String storageClass) {}
}
