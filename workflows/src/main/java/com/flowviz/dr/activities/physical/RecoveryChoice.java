package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;

/**
 * The base backup chosen for a target, and the bounds the archive can reach.
 *
 * @param backupPrefix {@code base/<system id>/<backup id>/}
 * @param earliestReachable the oldest complete base backup's end: no target before it can be
 *     reached
 * @param newestWalFile the newest WAL segment in the archive; {@code newestWalArchivedAt} when its
 *     object was written: no time target after it can be reached (both on the history recovery
 *     follows)
 * @param timelineHistory when the archive holds more than one timeline: the history recovery
 *     follows (PostgreSQL's {@code recovery_target_timeline = 'latest'}) and the WAL it does not
 *     replay; null for a single timeline
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record RecoveryChoice(
    String systemIdentifier,
    String backupPrefix,
    BaseBackupManifest manifest,
    Instant earliestReachable,
    String newestWalFile,
    Instant newestWalArchivedAt,
    String timelineHistory) {
  public static RecoveryChoiceBuilder builder() {
    return RecoveryChoiceBuilder.builder();
  }

  public RecoveryChoiceBuilder toBuilder() {
    return RecoveryChoiceBuilder.builder(this);
  }
}
