package com.flowviz.dr.activities.physical.pitr;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.RecoveryChoice;
import com.flowviz.dr.activities.physical.RecoveryTarget;
import com.flowviz.dr.activities.physical.basebackup.BaseBackupCatalog;
import com.flowviz.dr.workflows.FailureTypes;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The newest base backup a target can start from, and the refusals when none can: a target before
 * the oldest backup's end, after the newest archived WAL, or past a gap in the WAL; with more than
 * one timeline in the archive, all of it along the history recovery follows (the newest
 * timeline's), where a base backup of another branch cannot start.
 */
final class BaseBackupChoice {

  /**
   * S3 keeps an object's LastModified to the second: a segment archived at 06:12:30.9 reads
   * 06:12:30, and a target of 06:12:30.5 is within it. Bounds are compared with this slack, so a
   * reachable target is never refused; one in the slack that is not reachable is refused by
   * PostgreSQL itself ("recovery ended before configured recovery target was reached").
   */
  private static final java.time.Duration LAST_MODIFIED_RESOLUTION =
      java.time.Duration.ofSeconds(1);

  private BaseBackupChoice() {}

  static RecoveryChoice choose(
      String bucket,
      String system,
      List<BaseBackupCatalog.Complete> complete,
      WalArchiveListing wal,
      TimelineHistory history,
      RecoveryTarget target) {
    if (complete.isEmpty()) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_NOT_FOUND,
          "s3://"
              + bucket
              + " holds no complete base backup of cluster "
              + system
              + ": nothing to recover from. Take one (TakeBaseBackup) while the server is up.");
    }
    // A backup ended on a branch the newest timeline left (an old primary's, after a failover)
    // cannot start a recovery that follows it: PostgreSQL refuses it as "not a child".
    List<BaseBackupCatalog.Complete> byEnd =
        complete.stream()
            .filter(c -> history.holds(c.manifest().timeline(), lsn(c.manifest().stopLsn())))
            .sorted(Comparator.comparing((BaseBackupCatalog.Complete c) -> c.manifest().stopTime()))
            .toList();
    if (byEnd.isEmpty()) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "No complete base backup of cluster "
              + system
              + " in s3://"
              + bucket
              + " is on the history recovery follows ("
              + history.describe()
              + ", the newest timeline in the archive): "
              + complete.stream()
                  .map(
                      c ->
                          c.manifest().backupId()
                              + " ended at "
                              + c.manifest().stopLsn()
                              + " on timeline "
                              + c.manifest().timeline())
                  .toList()
              + " lie on a branch that history left. Nothing was restored; take a base backup of"
              + " the server now running timeline "
              + history.timeline()
              + ".");
    }
    BaseBackupManifest oldest = byEnd.get(0).manifest();
    List<WalArchiveListing.WalFile> onPath = wal.onPathFrom(oldest.startWalFile(), history);
    Optional<WalArchiveListing.WalFile> newestSegment =
        onPath.stream()
            .max(
                Comparator.comparingLong(
                        (WalArchiveListing.WalFile f) -> WalArchiveListing.position(f.name()))
                    .thenComparingLong(f -> WalArchiveListing.timeline(f.name())));
    Instant newestArchivedAt =
        onPath.stream()
            .map(WalArchiveListing.WalFile::archivedAt)
            .max(Instant::compareTo)
            .orElse(null);
    String timelines = timelines(wal, history, oldest);
    String bounds =
        "The archive reaches from "
            + oldest.stopTime()
            + " (the end of the oldest base backup, "
            + oldest.backupId()
            + ") to "
            + (newestArchivedAt == null
                ? "nothing: no WAL is archived"
                : newestArchivedAt
                    + " ("
                    + newestSegment.get().name()
                    + ", the newest WAL archived)")
            + "."
            + (timelines == null ? "" : " " + timelines + ".");

    BaseBackupCatalog.Complete chosen =
        switch (target.kind()) {
          case RecoveryTarget.TIME -> {
            if (newestArchivedAt != null
                && target.time().isAfter(newestArchivedAt.plus(LAST_MODIFIED_RESOLUTION))) {
              throw outOfReach(target, "is after the newest archived WAL", bounds);
            }
            yield byEnd.stream()
                .filter(c -> !c.manifest().stopTime().isAfter(target.time()))
                .reduce((a, b) -> b)
                .orElseThrow(
                    () -> outOfReach(target, "is before the oldest base backup's end", bounds));
          }
          case RecoveryTarget.LSN ->
              byEnd.stream()
                  .filter(c -> lsn(c.manifest().stopLsn()) <= lsn(target.lsn()))
                  .max(Comparator.comparingLong(c -> lsn(c.manifest().stopLsn())))
                  .orElseThrow(
                      () -> outOfReach(target, "is before the oldest base backup's end", bounds));
          default -> byEnd.get(byEnd.size() - 1);
        };

    BaseBackupManifest manifest = chosen.manifest();
    WalArchiveListing.Contiguous contiguous = wal.contiguousAlong(manifest.startWalFile(), history);
    if (contiguous.last() == null
        || contiguous.last().name().compareTo(manifest.stopWalFile()) < 0) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_CORRUPT,
          "Base backup "
              + manifest.backupId()
              + " needs WAL "
              + manifest.startWalFile()
              + " to "
              + manifest.stopWalFile()
              + " to be consistent, and "
              + (contiguous.last() == null
                  ? manifest.startWalFile()
                  : WalArchiveListing.next(contiguous.last().name()))
              + " is not in the archive. Nothing was restored; recover from another base backup"
              + " (a different target) or find the missing WAL. "
              + bounds);
    }
    if (contiguous.firstMissing() != null
        && RecoveryTarget.TIME.equals(target.kind())
        && target.time().isAfter(contiguous.last().archivedAt().plus(LAST_MODIFIED_RESOLUTION))) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_CORRUPT,
          "The WAL archive has a gap: "
              + contiguous.firstMissing()
              + " is missing while later segments exist, so recovery from base backup "
              + manifest.backupId()
              + " can replay only up to "
              + contiguous.last().name()
              + " (archived "
              + contiguous.last().archivedAt()
              + "), which is before the target "
              + target.describe()
              + ". Nothing was restored; recover to a time at or before "
              + contiguous.last().archivedAt()
              + ", or find the missing segment.");
    }
    return RecoveryChoice.builder()
        .systemIdentifier(system)
        .backupPrefix(chosen.directory().prefix())
        .manifest(manifest)
        .earliestReachable(oldest.stopTime())
        .newestWalFile(newestSegment.map(WalArchiveListing.WalFile::name).orElse(null))
        .newestWalArchivedAt(newestArchivedAt)
        .timelineHistory(timelines)
        .build();
  }

  private static RuntimeException outOfReach(RecoveryTarget target, String why, String bounds) {
    return NonRetryable.failure(
        FailureTypes.INVALID_INPUT,
        "The recovery target "
            + target.describe()
            + " "
            + why
            + ". "
            + bounds
            + " Nothing was restored; choose a target within those bounds.");
  }

  /**
   * With more than one timeline: the history followed, and the WAL it leaves out (null when the
   * archive holds one timeline and nothing else).
   */
  private static String timelines(
      WalArchiveListing wal, TimelineHistory history, BaseBackupManifest oldest) {
    List<WalArchiveListing.WalFile> off = wal.offPath(oldest.startWalFile(), history);
    if (history.ancestors().isEmpty() && off.isEmpty()) {
      return null;
    }
    String text = "Recovery follows " + history.describe() + " (the newest timeline's history)";
    if (off.isEmpty()) {
      return text;
    }
    return text
        + "; "
        + off.size()
        + " WAL segment(s) in the archive are not on it and are not replayed ("
        + off.get(0).name()
        + (off.size() > 1 ? " to " + off.get(off.size() - 1).name() : "")
        + ", archived up to "
        + off.stream().map(WalArchiveListing.WalFile::archivedAt).max(Instant::compareTo).get()
        + "): written on a timeline after a newer one forked off it (an old primary that went on"
        + " after a failover) or on another branch";
  }

  static long lsn(String text) {
    String[] parts = text.split("/");
    return (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
  }
}
