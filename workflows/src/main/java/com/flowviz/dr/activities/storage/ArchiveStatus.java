package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * Whether a backup object can be read now, as HeadObject tells it.
 *
 * @param state READABLE (a storage class read directly), ARCHIVED (Glacier Flexible Retrieval or
 *     Deep Archive, not restored), RETRIEVAL_IN_PROGRESS, or RETRIEVED (a temporary copy exists)
 * @param archiveClass GLACIER or DEEP_ARCHIVE for archived objects (Intelligent-Tiering archive
 *     tiers count as these), else null
 * @param retrievedUntil when the temporary copy expires, for RETRIEVED
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ArchiveStatus(
    String bucket,
    String key,
    String storageClass,
    String archiveClass,
    String state,
    Instant retrievedUntil) {

  public static final String READABLE = "READABLE";
  public static final String ARCHIVED = "ARCHIVED";
  public static final String RETRIEVAL_IN_PROGRESS = "RETRIEVAL_IN_PROGRESS";
  public static final String RETRIEVED = "RETRIEVED";

  public boolean canBeRead() {
    return READABLE.equals(state) || RETRIEVED.equals(state);
  }
}
