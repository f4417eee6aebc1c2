package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;

/**
 * What the archive of one cluster must keep.
 *
 * @param keepBaseBackups the newest complete base backups kept (at least 1)
 * @param keepFor complete base backups younger than this are kept even beyond {@code
 *     keepBaseBackups}
 * @param incompleteAfter a base backup directory without its flowviz manifest and older than this
 *     is a killed attempt and is deleted
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ArchiveExpirySpec(
    String bucket,
    String systemIdentifier,
    int keepBaseBackups,
    Duration keepFor,
    Duration incompleteAfter) {

  /**
   * The shipped retention: the two newest base backups and a week of them, so a point-in-time
   * restore reaches seven days back. The retention check holds lifecycle rules against it.
   */
  public static final int DEFAULT_KEEP_BASE_BACKUPS = 2;

  public static final Duration DEFAULT_KEEP_FOR = Duration.ofDays(7);

  /** Far beyond any base backup's duration: only a killed attempt is this old without manifest. */
  public static final Duration DEFAULT_INCOMPLETE_AFTER = Duration.ofDays(1);

  public static ArchiveExpirySpecBuilder builder() {
    return ArchiveExpirySpecBuilder.builder();
  }

  public ArchiveExpirySpecBuilder toBuilder() {
    return ArchiveExpirySpecBuilder.builder(this);
  }
}
