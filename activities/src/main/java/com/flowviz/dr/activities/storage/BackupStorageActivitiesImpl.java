package com.flowviz.dr.activities.storage;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class BackupStorageActivitiesImpl implements BackupStorageActivities {

  private static final Logger log = LoggerFactory.getLogger(BackupStorageActivitiesImpl.class);

  /** How far a key's time may run ahead of the object's LastModified (clocks differ a little). */
  public static final Duration DEFAULT_KEY_TIME_SKEW = Duration.ofMinutes(5);

  private final BackupStores stores;
  private final WorkDirectory workDirectory;
  private final Duration keyTimeSkew;

  /**
   * @param keyTimeSkew a backup named for a time later than its LastModified plus this is refused:
   *     no honest backup is written before the time it is named for
   */
  public BackupStorageActivitiesImpl(
      BackupStores stores, WorkDirectory workDirectory, Duration keyTimeSkew) {
    this.stores = stores;
    this.workDirectory = workDirectory;
    this.keyTimeSkew = keyTimeSkew;
  }

  public BackupStorageActivitiesImpl(BackupStores stores, WorkDirectory workDirectory) {
    this(stores, workDirectory, DEFAULT_KEY_TIME_SKEW);
  }

  public BackupStorageActivitiesImpl(BackupStore store, WorkDirectory workDirectory) {
    this(BackupStores.single(store), workDirectory);
  }

  @Override
  public BackupObject resolveBackup(BackupSelector selector) {
    try {
      BackupStore store = stores.forRegion(selector.region());
      if (selector.explicitKey()) {
        BackupObject named =
            store
                .head(selector.bucket(), selector.key())
                .map(o -> BackupTimes.describe(o, selector.region()))
                .orElseThrow(
                    () -> notFound(selector, "There is no object " + selector.describe() + "."));
        Optional<String> refused = refusal(store, selector, named);
        if (refused.isPresent()) {
          throw NonRetryable.failure(
              FailureTypes.BACKUP_REFUSED,
              "The backup "
                  + named.uri()
                  + " is refused: "
                  + refused.get()
                  + ". Nothing was changed. Inspect the object (who wrote"
                  + " it, and when); restore another backup (`flowviz-dr list`).");
        }
        return named;
      }
      List<BackupObject> candidates = candidates(selector);
      if (candidates.isEmpty()) {
        throw notFound(
            selector,
            "There are no backups "
                + (selector.database() == null ? "" : "of " + selector.database() + " ")
                + "under s3://"
                + selector.bucket()
                + "/"
                + selector.prefix()
                + ".");
      }
      List<String> passedOver = new ArrayList<>();
      boolean anyBefore = false;
      for (BackupObject candidate : candidates) {
        if (selector.takenBefore() != null && !takenBefore(candidate, selector.takenBefore())) {
          continue;
        }
        anyBefore = true;
        Optional<String> refused = refusal(store, selector, candidate);
        if (refused.isEmpty()) {
          if (!passedOver.isEmpty()) {
            log.warn(
                "{}: chose {} after passing over {}",
                selector.describe(),
                candidate.key(),
                passedOver);
          }
          return candidate;
        }
        log.warn("{}: passed over {}: {}", selector.describe(), candidate.key(), refused.get());
        passedOver.add(candidate.key() + " (" + refused.get() + ")");
      }
      BackupObject oldest = candidates.get(candidates.size() - 1);
      if (!anyBefore) {
        throw NonRetryable.failure(
            FailureTypes.BACKUP_NOT_FOUND,
            "No backup "
                + (selector.database() == null ? "" : "of " + selector.database() + " ")
                + "under s3://"
                + selector.bucket()
                + "/"
                + selector.prefix()
                + " was taken before "
                + selector.takenBefore()
                + "; the oldest is "
                + oldest.key()
                + " taken "
                + oldest.takenAt()
                + ". Look further back in the weekly backups (runbook 4.2) or choose a later"
                + " restore point.");
      }
      throw NonRetryable.failure(
          FailureTypes.BACKUP_REFUSED,
          "Every candidate for the "
              + selector.describe()
              + " was refused: "
              + String.join("; ", passedOver)
              + ". Nothing was changed. Inspect those objects; restore an older backup by its key"
              + " or from the weekly backups (runbook 4.2).");
    } catch (BackupStoreException e) {
      throw storeFailure(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // A name carries whole seconds: a backup named 09:30:00 may have started at 09:30:00.9,
  // so it counts as before 09:30:00.5 only if its whole second is.
  private static boolean takenBefore(BackupObject b, Instant before) {
    return !b.takenAt().plusSeconds(b.takenAt().getNano() == 0 ? 1 : 0).isAfter(before);
  }

  /**
   * The selector's database's backups, newest first; any backup-shaped key for a selector without
   * one.
   */
  private List<BackupObject> candidates(BackupSelector selector) throws IOException {
    if (selector.database() == null) {
      return newestFirst(selector.region(), selector.bucket(), selector.prefix());
    }
    return stores.forRegion(selector.region()).list(selector.bucket(), selector.prefix()).stream()
        .filter(o -> BackupNames.isBackupOf(o.key(), selector.prefix(), selector.database()))
        .map(o -> BackupTimes.describe(o, selector.region()))
        .sorted(
            Comparator.comparing(BackupObject::takenAt).thenComparing(BackupObject::key).reversed())
        .toList();
  }

  /**
   * Why this backup must not be chosen, or empty. A key names the time its dump began, so an object
   * written long before that time was named to win "latest"; a manifest naming another source
   * database marks another database's dump, whatever its key says.
   */
  private Optional<String> refusal(BackupStore store, BackupSelector selector, BackupObject backup)
      throws IOException {
    Optional<Instant> named = BackupTimes.fromKey(backup.key());
    if (named.isPresent()
        && backup.lastModified() != null
        && named.get().isAfter(backup.lastModified().plus(keyTimeSkew))) {
      return Optional.of(
          "its name says it was taken "
              + named.get()
              + ", later than the object was written ("
              + backup.lastModified()
              + ", allowing "
              + keyTimeSkew.toMinutes()
              + " min of clock skew); a backup cannot be written before it is taken, so the"
              + " name is false");
    }
    if (selector.database() == null) {
      return Optional.empty();
    }
    Optional<byte[]> manifest =
        store.readSmall(backup.bucket(), BackupManifest.keyFor(backup.key()));
    if (manifest.isEmpty()) {
      return Optional.empty();
    }
    String source;
    try {
      source = Json.read(manifest.get(), BackupManifest.class).sourceDatabase();
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return Optional.of(
          "its manifest " + BackupManifest.keyFor(backup.key()) + " is not valid JSON");
    }
    if (source != null && !source.equals(selector.database())) {
      return Optional.of(
          "its manifest names source database " + source + ", not " + selector.database());
    }
    return Optional.empty();
  }

  /** How long a freshness check waits for a bucket in a region that may be down. */
  private static final Duration FRESHNESS_TIMEOUT = Duration.ofSeconds(30);

  @Override
  public BucketFreshness newestBackup(String bucket, String region, String prefix) {
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "freshness-" + bucket);
              t.setDaemon(true);
              return t;
            });
    try {
      List<BackupObject> newest =
          executor
              .submit(() -> newestBackupsForFreshness(region, bucket, prefix))
              .get(FRESHNESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new BucketFreshness(
          bucket, region, true, newest.isEmpty() ? null : newest.get(0), null);
    } catch (TimeoutException e) {
      return new BucketFreshness(
          bucket, region, false, null, "no answer within " + FRESHNESS_TIMEOUT.toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return new BucketFreshness(
          bucket,
          region,
          false,
          null,
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      executor.shutdownNow();
    }
  }

  @Override
  public List<BackupObject> listBackups(String bucket, String prefix, int limit) {
    try {
      return newestFirst(null, bucket, prefix).stream().limit(limit).toList();
    } catch (BackupStoreException e) {
      throw storeFailure(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public BackupManifest readManifest(BackupObject backup) {
    String key = BackupManifest.keyFor(backup.key());
    try {
      Optional<byte[]> bytes = stores.forRegion(backup.region()).readSmall(backup.bucket(), key);
      if (bytes.isEmpty()) {
        log.info("{} has no manifest; verification will use the runbook checks only", backup.uri());
        return null;
      }
      return Json.read(bytes.get(), BackupManifest.class);
    } catch (BackupStoreException e) {
      throw storeFailure(e);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_CORRUPT,
          "The manifest s3://"
              + backup.bucket()
              + "/"
              + key
              + " is not valid JSON, so the backup cannot be checked"
              + " against it. If you trust the backup, move the manifest aside and restore again.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public DownloadedBackup downloadBackup(BackupObject backup) {
    String workflowId = Activity.getExecutionContext().getInfo().getWorkflowId();
    return ResumableDownload.into(
        workDirectory.forWorkflow(workflowId), stores, backup, Heartbeats::beat, () -> false);
  }

  /**
   * What a freshness check may count as a backup: strictly named backups of any database directly
   * under the prefix, never a signature, manifest, globals file or stray object written after the
   * last backup, and never a key named for a time later than it was written (a fake "fresh"
   * backup).
   */
  private List<BackupObject> newestBackupsForFreshness(String region, String bucket, String prefix)
      throws IOException {
    String p = prefix == null ? "" : prefix;
    return newestFirst(region, bucket, prefix).stream()
        .filter(
            b ->
                BackupNames.database(b.key()).isPresent()
                    && b.key().startsWith(p)
                    && b.key().indexOf('/', p.length()) < 0)
        .filter(
            b ->
                b.lastModified() == null
                    || BackupTimes.fromKey(b.key())
                        .map(t -> !t.isAfter(b.lastModified().plus(keyTimeSkew)))
                        .orElse(true))
        .toList();
  }

  private List<BackupObject> newestFirst(String region, String bucket, String prefix)
      throws IOException {
    return stores.forRegion(region).list(bucket, prefix).stream()
        .filter(o -> BackupTimes.isBackupKey(o.key()))
        .map(o -> BackupTimes.describe(o, region))
        .sorted(
            Comparator.comparing(BackupObject::takenAt).thenComparing(BackupObject::key).reversed())
        .toList();
  }

  private ApplicationFailure notFound(BackupSelector selector, String what) {
    String hint;
    try {
      String prefix =
          selector.explicitKey() && selector.key().contains("/")
              ? selector.key().substring(0, selector.key().lastIndexOf('/') + 1)
              : selector.prefix();
      List<BackupObject> newest = newestFirst(selector.region(), selector.bucket(), prefix);
      hint =
          newest.isEmpty()
              ? " Nothing is stored under s3://"
                  + selector.bucket()
                  + "/"
                  + prefix
                  + "; check the bucket and prefix."
              : " The newest backups there"
                  + (selector.database() == null || selector.explicitKey()
                      ? ""
                      : " (of any database)")
                  + " are: "
                  + newest.stream()
                      .limit(3)
                      .map(BackupObject::key)
                      .collect(Collectors.joining(", "))
                  + ". List them all with `flowviz-dr list`.";
    } catch (IOException e) {
      hint = "";
    }
    return NonRetryable.failure(FailureTypes.BACKUP_NOT_FOUND, what + hint);
  }

  static ApplicationFailure storeFailure(BackupStoreException e) {
    String type;
    if (e instanceof BackupStoreException.AccessDenied) {
      type = FailureTypes.BACKUP_ACCESS_DENIED;
    } else if (e instanceof BackupStoreException.BucketNotFound) {
      type = FailureTypes.BACKUP_NOT_FOUND;
    } else if (e instanceof BackupStoreException.ObjectArchived) {
      type = FailureTypes.BACKUP_ARCHIVED;
    } else {
      type = FailureTypes.BACKUP_CORRUPT;
    }
    return NonRetryable.failure(type, e.getMessage());
  }
}
