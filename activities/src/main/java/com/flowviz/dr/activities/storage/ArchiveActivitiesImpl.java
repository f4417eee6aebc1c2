package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class ArchiveActivitiesImpl implements ArchiveActivities {

  private static final Logger log = LoggerFactory.getLogger(ArchiveActivitiesImpl.class);
  private static final Pattern ONGOING = Pattern.compile("ongoing-request=\"(true|false)\"");
  private static final Pattern EXPIRY = Pattern.compile("expiry-date=\"([^\"]+)\"");
  public static final String RETRIEVAL_NOT_READY = "RetrievalNotReady";

  private final BackupStore store;

  public ArchiveActivitiesImpl(BackupStore store) {
    this.store = store;
  }

  @Override
  public ArchiveStatus inspectArchive(BackupObject backup) {
    return statusOf(head(backup.bucket(), backup.key()));
  }

  @Override
  public RetrievalOutcome requestRetrieval(RetrievalRequest request) {
    ArchiveStatus status = statusOf(head(request.bucket(), request.key()));
    switch (status.state()) {
      case ArchiveStatus.READABLE:
        return new RetrievalOutcome(RetrievalOutcome.NOT_ARCHIVED, status);
      case ArchiveStatus.RETRIEVED:
        return new RetrievalOutcome(RetrievalOutcome.ALREADY_RETRIEVED, status);
      case ArchiveStatus.RETRIEVAL_IN_PROGRESS:
        log.info(
            "A retrieval of s3://{}/{} is already under way; joining it",
            request.bucket(),
            request.key());
        return new RetrievalOutcome(RetrievalOutcome.JOINED, status);
      default:
        break;
    }
    if ("Expedited".equals(request.tier()) && "DEEP_ARCHIVE".equals(status.archiveClass())) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "Expedited retrieval is not available for Deep Archive; use Standard (within 12 hours) or"
              + " Bulk (within 48 hours).");
    }
    boolean intelligentTiering = "INTELLIGENT_TIERING".equals(status.storageClass());
    BackupStore.RestoreRequestOutcome outcome;
    try {
      outcome =
          store.requestRestore(
              request.bucket(),
              request.key(),
              request.tier(),
              intelligentTiering ? null : request.days());
    } catch (BackupStoreException e) {
      throw BackupStorageActivitiesImpl.storeFailure(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log.info(
        "RestoreObject s3://{}/{} tier {} days {}: {}",
        request.bucket(),
        request.key(),
        request.tier(),
        request.days(),
        outcome);
    ArchiveStatus after = statusOf(head(request.bucket(), request.key()));
    return switch (outcome) {
      case ACCEPTED -> new RetrievalOutcome(RetrievalOutcome.REQUESTED, after);
      case ALREADY_IN_PROGRESS -> new RetrievalOutcome(RetrievalOutcome.JOINED, after);
      case ALREADY_RESTORED -> new RetrievalOutcome(RetrievalOutcome.ALREADY_RETRIEVED, after);
      case NOT_ARCHIVED -> new RetrievalOutcome(RetrievalOutcome.NOT_ARCHIVED, after);
    };
  }

  @Override
  public ArchiveStatus checkRetrieval(BackupObject backup) {
    ArchiveStatus status = statusOf(head(backup.bucket(), backup.key()));
    if (status.canBeRead()) {
      return status;
    }
    if (ArchiveStatus.RETRIEVAL_IN_PROGRESS.equals(status.state())) {
      // Retried by the server at the poll interval; benign, so not logged as an error each time.
      throw ApplicationFailure.newBuilder()
          .setMessage(
              "The retrieval of "
                  + backup.uri()
                  + " from "
                  + status.archiveClass()
                  + " is still in progress")
          .setType(RETRIEVAL_NOT_READY)
          .setCategory(ApplicationErrorCategory.BENIGN)
          .build();
    }
    throw NonRetryable.failure(
        FailureTypes.BACKUP_NOT_FOUND,
        backup.uri()
            + " is archived in "
            + status.archiveClass()
            + " and no retrieval is under way (it may have"
            + " expired). Start the weekly restore again to request a new retrieval.");
  }

  @Override
  public RetentionReport checkRetention(String bucket) {
    try {
      Map<String, Map<String, Long>> classes = new HashMap<>();
      for (RetentionPolicy.Requirement requirement : RetentionPolicy.RUNBOOK) {
        Map<String, Long> census = new HashMap<>();
        for (StoredObject o : store.list(bucket, requirement.prefix())) {
          if (BackupTimes.isBackupKey(o.key())) {
            census.merge(o.storageClass(), 1L, Long::sum);
          }
        }
        classes.put(requirement.prefix(), census);
      }
      return RetentionPolicy.evaluate(
          bucket, store.lifecycleRules(bucket), classes, physicalCensus(bucket), Instant.now());
    } catch (BackupStoreException e) {
      throw BackupStorageActivitiesImpl.storeFailure(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The complete base backups in the bucket (those with their flowviz manifest), all clusters, and
   * the oldest of them by its manifest's stop time: the age a lifecycle rule must not reach.
   */
  private PhysicalArchiveFindings.Census physicalCensus(String bucket) throws IOException {
    int complete = 0;
    String oldest = null;
    Instant oldestTime = null;
    for (StoredObject o : store.list(bucket, PhysicalArchiveLayout.BASE_PREFIX)) {
      String[] parts = o.key().split("/");
      if (parts.length != 4 || !parts[3].equals(PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE)) {
        continue;
      }
      complete++;
      Instant stopped = o.lastModified();
      try {
        Optional<byte[]> json = store.readSmall(bucket, o.key());
        Instant stopTime =
            json.isEmpty() ? null : Json.read(json.get(), BaseBackupManifest.class).stopTime();
        if (stopTime != null) {
          stopped = stopTime;
        }
      } catch (JsonProcessingException e) {
        // A damaged manifest: ExpireArchive refuses it and says so; here its write time will do.
      }
      if (oldestTime == null || stopped.isBefore(oldestTime)) {
        oldestTime = stopped;
        oldest = o.key().substring(0, o.key().lastIndexOf('/') + 1);
      }
    }
    return new PhysicalArchiveFindings.Census(complete, oldest, oldestTime);
  }

  private StoredObject head(String bucket, String key) {
    try {
      return store
          .head(bucket, key)
          .orElseThrow(
              () ->
                  NonRetryable.failure(
                      FailureTypes.BACKUP_NOT_FOUND,
                      "There is no object s3://" + bucket + "/" + key + "."));
    } catch (BackupStoreException e) {
      throw BackupStorageActivitiesImpl.storeFailure(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ArchiveStatus statusOf(StoredObject object) {
    String storageClass = object.storageClass() == null ? "STANDARD" : object.storageClass();
    String archiveClass = null;
    if (storageClass.equals("GLACIER") || storageClass.equals("DEEP_ARCHIVE")) {
      archiveClass = storageClass;
    } else if (storageClass.equals("INTELLIGENT_TIERING") && object.archiveStatus() != null) {
      archiveClass = object.archiveStatus().startsWith("DEEP") ? "DEEP_ARCHIVE" : "GLACIER";
    }
    if (archiveClass == null) {
      return new ArchiveStatus(
          object.bucket(), object.key(), storageClass, null, ArchiveStatus.READABLE, null);
    }
    String restore = object.restore();
    if (restore == null) {
      return new ArchiveStatus(
          object.bucket(), object.key(), storageClass, archiveClass, ArchiveStatus.ARCHIVED, null);
    }
    Matcher ongoing = ONGOING.matcher(restore);
    if (ongoing.find() && ongoing.group(1).equals("true")) {
      return new ArchiveStatus(
          object.bucket(),
          object.key(),
          storageClass,
          archiveClass,
          ArchiveStatus.RETRIEVAL_IN_PROGRESS,
          null);
    }
    return new ArchiveStatus(
        object.bucket(),
        object.key(),
        storageClass,
        archiveClass,
        ArchiveStatus.RETRIEVED,
        expiry(restore));
  }

  private static Instant expiry(String restore) {
    Matcher m = EXPIRY.matcher(restore);
    if (!m.find()) {
      return null;
    }
    try {
      return ZonedDateTime.parse(m.group(1), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
