package com.flowviz.dr.activities.physical.retention;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.physical.ArchiveExpiry;
import com.flowviz.dr.activities.physical.ArchiveExpirySpec;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.physical.basebackup.BaseBackupCatalog;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.BackupStoreException;
import com.flowviz.dr.activities.storage.StoredObject;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention of one cluster's physical archive (base backups and WAL), in the runbook's order:
 *
 * <ol>
 *   <li>list {@code base/<system id>/}; a backup is complete when its flowviz manifest exists;
 *   <li>keep the newest {@code keepBaseBackups} complete backups and every one younger than {@code
 *       keepFor}; delete the others, their flowviz manifest first, so that a deletion cut short
 *       never leaves a backup that looks complete without its data;
 *   <li>delete the WAL no kept backup can replay: segments and {@code .backup} files before the
 *       oldest kept start. Timeline history files are kept, always;
 *   <li>delete directories without a manifest (killed attempts) older than {@code incompleteAfter};
 *       the age spares an attempt that is still running.
 * </ol>
 *
 * Nothing at all is deleted while the cluster has no complete backup: then the WAL is all there is.
 * Running it twice deletes nothing more the second time.
 *
 * <p>Every decision rests on the flowviz manifests, so with trusted signers configured each one
 * must carry flowviz-dr's signature: otherwise anyone with write access to the bucket could put a
 * manifest of a "newer" backup there and have the real backups and their WAL expired. A manifest
 * whose signature is missing or does not verify stops the expiry before anything is deleted.
 */
public final class ArchiveRetention {

  private static final Logger log = LoggerFactory.getLogger(ArchiveRetention.class);

  private final BackupStore store;
  private final TrustedSigners signers;
  private final Clock clock;
  private final BaseBackupCatalog catalog;

  /**
   * @param signers whose signatures a flowviz manifest must carry; {@link TrustedSigners#none()}
   *     reads manifests unchecked (and says so in the log)
   */
  public ArchiveRetention(BackupStore store, TrustedSigners signers) {
    this(store, signers, Clock.systemUTC());
  }

  public ArchiveRetention(BackupStore store, TrustedSigners signers, Clock clock) {
    this.store = store;
    this.signers = signers;
    this.clock = clock;
    this.catalog =
        new BaseBackupCatalog(store, signers, "Nothing was deleted", "run the expiry again");
  }

  /** See {@link com.flowviz.dr.activities.physical.BaseBackupActivities#expireArchive}. */
  public ArchiveExpiry expire(ArchiveExpirySpec spec) {
    requireValid(spec);
    try {
      return expire(spec, clock.instant());
    } catch (BackupStoreException e) {
      throw storeFailure(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ArchiveExpiry expire(ArchiveExpirySpec spec, Instant now) throws IOException {
    String bucket = spec.bucket();
    String systemId = spec.systemIdentifier();
    if (!signers.configured()) {
      log.warn(
          "No trusted signers are configured (flowviz.gpg.signer-public-key-file or"
              + " trusted-signers-*): the expiry of s3://{}/{} trusts its manifests unchecked",
          bucket,
          PhysicalArchiveLayout.basePrefix(systemId));
    }
    List<BaseBackupCatalog.Complete> complete = new ArrayList<>();
    List<BaseBackupCatalog.Directory> incomplete = new ArrayList<>();
    for (BaseBackupCatalog.Directory directory : catalog.directories(bucket, systemId)) {
      if (directory.hasManifest()) {
        complete.add(
            new BaseBackupCatalog.Complete(directory, catalog.readManifest(bucket, directory)));
      } else {
        incomplete.add(directory);
      }
    }
    if (complete.isEmpty()) {
      log.warn(
          "s3://{}/{} holds no complete base backup; nothing is deleted (the WAL and {} incomplete"
              + " attempt(s) are all there is)",
          bucket,
          PhysicalArchiveLayout.basePrefix(systemId),
          incomplete.size());
      return ArchiveExpiry.builder()
          .keptBackups(List.of())
          .deletedBackups(List.of())
          .deletedIncomplete(List.of())
          .deletedWalFiles(0)
          .oldestKeptWalFile(null)
          .build();
    }

    // Newest first: the first keepBaseBackups stay whatever their age.
    complete.sort(
        Comparator.comparing((BaseBackupCatalog.Complete b) -> b.manifest().stopTime())
            .thenComparing(b -> b.directory().backupId())
            .reversed());
    Instant keepSince = now.minus(spec.keepFor());
    List<BaseBackupCatalog.Complete> kept = new ArrayList<>();
    List<BaseBackupCatalog.Complete> expired = new ArrayList<>();
    for (int i = 0; i < complete.size(); i++) {
      BaseBackupCatalog.Complete backup = complete.get(i);
      if (i < spec.keepBaseBackups() || backup.manifest().stopTime().isAfter(keepSince)) {
        kept.add(backup);
      } else {
        expired.add(backup);
      }
    }

    // Oldest first: a run cut short leaves the newer ones, the likelier to be asked for.
    Collections.reverse(expired);
    List<String> deletedBackups = new ArrayList<>();
    for (BaseBackupCatalog.Complete backup : expired) {
      deleteBackup(bucket, backup.directory());
      deletedBackups.add(backup.directory().backupId());
    }

    BaseBackupCatalog.Complete oldestStart = oldestStart(kept);
    long deletedWalFiles = deleteWalBefore(bucket, systemId, oldestStart.manifest());

    Instant incompleteBefore = now.minus(spec.incompleteAfter());
    List<String> deletedIncomplete = new ArrayList<>();
    for (BaseBackupCatalog.Directory directory : incomplete) {
      if (directory.newestWrite().isBefore(incompleteBefore)) {
        deleteAll(bucket, directory.keys());
        deletedIncomplete.add(directory.backupId());
      }
    }

    ArchiveExpiry expiry =
        ArchiveExpiry.builder()
            .keptBackups(kept.stream().map(b -> b.directory().backupId()).toList())
            .deletedBackups(deletedBackups)
            .deletedIncomplete(deletedIncomplete)
            .deletedWalFiles(deletedWalFiles)
            .oldestKeptWalFile(oldestStart.manifest().startWalFile())
            .build();
    log.info(
        "Archive of system {} in s3://{}: kept {}, deleted {} base backup(s) {}, {} incomplete"
            + " attempt(s) {}, {} WAL file(s) before {}",
        systemId,
        bucket,
        expiry.keptBackups(),
        deletedBackups.size(),
        deletedBackups,
        deletedIncomplete.size(),
        deletedIncomplete,
        deletedWalFiles,
        expiry.oldestKeptWalFile());
    return expiry;
  }

  /**
   * The kept backup whose start is earliest in the WAL. Usually the oldest one; on a cluster whose
   * history branched, a newer backup on a branch can start earlier, and then it is that one.
   */
  private static BaseBackupCatalog.Complete oldestStart(List<BaseBackupCatalog.Complete> kept) {
    return kept.stream()
        .min(
            Comparator.comparing(
                    (BaseBackupCatalog.Complete b) ->
                        WalObject.positionOf(b.manifest().startWalFile()))
                // Same position on two timelines: the older timeline is the smaller cut.
                .thenComparing(b -> WalObject.timelineOfSegment(b.manifest().startWalFile())))
        .orElseThrow();
  }

  /** The manifest and its signature first: from then on the rest is an incomplete directory. */
  private void deleteBackup(String bucket, BaseBackupCatalog.Directory directory)
      throws IOException {
    String manifest = directory.manifestKey();
    List<String> first = directory.keys().stream().filter(k -> k.startsWith(manifest)).toList();
    deleteAll(bucket, first);
    deleteAll(bucket, directory.keys().stream().filter(k -> !first.contains(k)).toList());
  }

  /**
   * Recovery from a base backup reads WAL from its start forward, never back, and WAL positions are
   * shared by all timelines; so no kept backup replays a segment positioned before the earliest
   * kept start. Deleted: such segments (and {@code .backup} files) on the start's timeline and on
   * lower timelines (its ancestors and their side branches). Kept: every {@code .history} file,
   * everything at or after the start, anything on a higher timeline (a branch made later, which we
   * cannot place without decrypting its history), and any key this layout does not write.
   */
  private long deleteWalBefore(String bucket, String systemId, BaseBackupManifest start)
      throws IOException {
    String walPrefix = PhysicalArchiveLayout.walPrefix(systemId);
    String cutPosition = WalObject.positionOf(start.startWalFile());
    long cutTimeline = WalObject.timelineOfSegment(start.startWalFile());
    List<String> keys = new ArrayList<>();
    Set<String> files = new LinkedHashSet<>();
    for (StoredObject o : store.list(bucket, walPrefix)) {
      WalObject.of(walPrefix, o.key())
          .filter(w -> !w.isHistory())
          .filter(w -> w.timeline() <= cutTimeline)
          .filter(w -> w.position().compareTo(cutPosition) < 0)
          .ifPresent(
              w -> {
                keys.add(w.key());
                files.add(w.walFile());
              });
    }
    deleteAll(bucket, keys);
    return files.size();
  }

  private void deleteAll(String bucket, List<String> keys) throws IOException {
    if (keys.isEmpty()) {
      return;
    }
    for (int from = 0; from < keys.size(); from += BackupStore.DELETE_BATCH) {
      List<String> batch =
          keys.subList(from, Math.min(keys.size(), from + BackupStore.DELETE_BATCH));
      List<BackupStore.DeleteFailure> failures = store.delete(bucket, batch);
      if (!failures.isEmpty()) {
        throw deleteFailed(bucket, failures);
      }
      Heartbeats.beat("deleted " + (from + batch.size()) + " of " + keys.size() + " objects");
    }
  }

  private RuntimeException deleteFailed(String bucket, List<BackupStore.DeleteFailure> failures) {
    String listed =
        failures.stream()
            .limit(5)
            .map(f -> f.key() + " (" + f.code() + ": " + f.message() + ")")
            .collect(Collectors.joining(", "));
    String message =
        failures.size()
            + " object(s) in s3://"
            + bucket
            + " could not be deleted: "
            + listed
            + (failures.size() > 5 ? ", ..." : "");
    if (failures.stream().allMatch(f -> "AccessDenied".equals(f.code()))) {
      return NonRetryable.failure(
          FailureTypes.BACKUP_ACCESS_DENIED,
          message
              + ". The worker's role needs s3:DeleteObject on base/* and wal/* of the bucket"
              + " (runbook section 8); what was deleted so far is consistent, run again after"
              + " granting it.");
    }
    // Throttling, internal errors: a retry deletes the rest (a deleted key counts as deleted).
    return new UncheckedIOException(new IOException(message));
  }

  private static void requireValid(ArchiveExpirySpec spec) {
    String problem = null;
    if (spec.bucket() == null || spec.bucket().isBlank()) {
      problem = "bucket is missing";
    } else if (spec.systemIdentifier() == null || !spec.systemIdentifier().matches("[0-9]{1,20}")) {
      problem =
          "systemIdentifier \""
              + spec.systemIdentifier()
              + "\" is not a PostgreSQL system identifier (SELECT system_identifier FROM"
              + " pg_control_system())";
    } else if (spec.keepBaseBackups() < 1) {
      problem =
          "keepBaseBackups is "
              + spec.keepBaseBackups()
              + "; at least 1 base backup must stay, or the WAL has nothing to start from";
    } else if (spec.keepFor() == null || spec.keepFor().isNegative()) {
      problem = "keepFor must be a duration of zero or more (e.g. P7D)";
    } else if (spec.incompleteAfter() == null
        || spec.incompleteAfter().compareTo(Duration.ofHours(1)) < 0) {
      problem =
          "incompleteAfter must be at least PT1H: a shorter age could delete a base backup that is"
              + " still being written";
    }
    if (problem != null) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT, "The archive expiry was refused: " + problem + ".");
    }
  }

  private static ApplicationFailure storeFailure(BackupStoreException e) {
    String type =
        e instanceof BackupStoreException.AccessDenied
            ? FailureTypes.BACKUP_ACCESS_DENIED
            : e instanceof BackupStoreException.BucketNotFound
                ? FailureTypes.BACKUP_NOT_FOUND
                : FailureTypes.BACKUP_CORRUPT;
    return NonRetryable.failure(type, e.getMessage());
  }

  /** One {@code base/<system id>/<backup id>/} and the objects in it. */
}
