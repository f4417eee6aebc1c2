package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.crypto.DetachedSignature;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.StoredObject;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The base backups of one cluster in the bucket, as the archive's retention and a point-in-time
 * restore both read them: one directory per backup id under {@code base/<system id>/}, complete
 * when its flowviz manifest exists, and that manifest signed by flowviz-dr (with trusted signers
 * configured) and consistent with where it lies. Anyone with write access to the bucket could
 * otherwise put a manifest of a "newer" backup there, to have the real ones expired or a forged one
 * restored.
 */
public final class BaseBackupCatalog {

  private final BackupStore store;
  private final TrustedSigners signers;
  private final String consequence;
  private final String rerun;

  /**
   * @param consequence what the failures say was spared ("Nothing was deleted")
   * @param rerun what the operator does after the fix ("run the expiry again")
   */
  public BaseBackupCatalog(
      BackupStore store, TrustedSigners signers, String consequence, String rerun) {
    this.store = store;
    this.signers = signers;
    this.consequence = consequence;
    this.rerun = rerun;
  }

  /** One backup id's objects. */
  public record Directory(String systemId, String backupId, List<StoredObject> objects) {
    public String manifestKey() {
      return prefix() + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE;
    }

    public String prefix() {
      return PhysicalArchiveLayout.backupPrefix(systemId, backupId);
    }

    public boolean hasManifest() {
      return objects.stream().anyMatch(o -> o.key().equals(manifestKey()));
    }

    public List<String> keys() {
      return objects.stream().map(StoredObject::key).toList();
    }

    /** The latest write in it: an attempt still running keeps this recent. */
    public Instant newestWrite() {
      return objects.stream().map(StoredObject::lastModified).max(Instant::compareTo).orElseThrow();
    }
  }

  /** A backup whose manifest was read and checked. */
  public record Complete(Directory directory, BaseBackupManifest manifest) {}

  /** The objects under {@code base/<system id>/}, one directory per backup id. */
  public List<Directory> directories(String bucket, String systemId) throws IOException {
    String basePrefix = PhysicalArchiveLayout.basePrefix(systemId);
    Map<String, List<StoredObject>> byId = new TreeMap<>();
    for (StoredObject o : store.list(bucket, basePrefix)) {
      String rest = o.key().substring(basePrefix.length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        byId.computeIfAbsent(rest.substring(0, slash), id -> new ArrayList<>()).add(o);
      }
    }
    return byId.entrySet().stream()
        .map(e -> new Directory(systemId, e.getKey(), e.getValue()))
        .toList();
  }

  /** Every complete backup of the cluster, each manifest checked. */
  public List<Complete> complete(String bucket, String systemId) throws IOException {
    List<Complete> complete = new ArrayList<>();
    for (Directory directory : directories(bucket, systemId)) {
      if (directory.hasManifest()) {
        complete.add(new Complete(directory, readManifest(bucket, directory)));
      }
    }
    return complete;
  }

  /** The directory's flowviz manifest, its signature checked when signers are configured. */
  public BaseBackupManifest readManifest(String bucket, Directory directory) throws IOException {
    String systemId = directory.systemId();
    String key = directory.manifestKey();
    byte[] json =
        store
            .readSmall(bucket, key)
            // Listed a moment ago and gone now: an expiry is deleting it. Retry later.
            .orElseThrow(() -> new IOException("s3://" + bucket + "/" + key + " vanished"));
    if (signers.configured()) {
      requireSigned(bucket, key, json);
    }
    BaseBackupManifest manifest;
    try {
      manifest = Json.read(json, BaseBackupManifest.class);
    } catch (IOException e) {
      throw damagedManifest(bucket, key, "it is not JSON a flowviz manifest reads (" + e + ")");
    }
    if (!systemId.equals(manifest.systemIdentifier())) {
      throw damagedManifest(
          bucket, key, "it names system " + manifest.systemIdentifier() + ", not " + systemId);
    }
    if (!directory.backupId().equals(manifest.backupId())) {
      throw damagedManifest(
          bucket, key, "it names backup " + manifest.backupId() + ", not " + directory.backupId());
    }
    if (manifest.stopTime() == null) {
      throw damagedManifest(bucket, key, "it has no stopTime");
    }
    if (manifest.startWalFile() == null
        || !PhysicalArchiveLayout.isSegment(manifest.startWalFile())) {
      throw damagedManifest(
          bucket, key, "its startWalFile \"" + manifest.startWalFile() + "\" is no segment name");
    }
    return manifest;
  }

  /**
   * The manifest's detached signature, as the base backup wrote it beside it, from a trusted key.
   */
  private void requireSigned(String bucket, String key, byte[] json) throws IOException {
    String signatureKey = key + SigningBackupStore.SIGNATURE_SUFFIX;
    byte[] signature =
        store
            .readSmall(bucket, signatureKey)
            .orElseThrow(
                () ->
                    forgedManifest(
                        bucket, key, "it has no signature (" + signatureKey + " is missing)"));
    try {
      DetachedSignature.verify(json, signature, signers.load());
    } catch (DetachedSignature.Invalid e) {
      throw forgedManifest(bucket, key, "its signature does not verify: " + e.getMessage());
    } catch (TrustedSigners.Unreadable e) {
      throw NonRetryable.failure(
          FailureTypes.KEY_UNAVAILABLE,
          "The trusted signers cannot be read ("
              + e.getMessage()
              + "), so the manifests in s3://"
              + bucket
              + " cannot be checked. "
              + consequence
              + "; fix "
              + signers.describe()
              + " and "
              + rerun
              + ".");
    }
  }

  /**
   * Not flowviz-dr's manifest as written: someone or something else wrote it. Nothing happens on
   * its word; the operator looks at who wrote it before anything else.
   */
  private ApplicationFailure forgedManifest(String bucket, String key, String why) {
    return NonRetryable.failure(
        FailureTypes.BACKUP_REFUSED,
        "s3://"
            + bucket
            + "/"
            + key
            + " is not a manifest flowviz-dr signed: "
            + why
            + ". "
            + consequence
            + ". Find out who wrote it (CloudTrail data events on the bucket) before removing it;"
            + " then "
            + rerun
            + ".");
  }

  /**
   * A manifest that cannot be read leaves no way to tell which WAL that backup needs; acting on a
   * guess could break a restore, so it stops and says what to look at.
   */
  private ApplicationFailure damagedManifest(String bucket, String key, String why) {
    String directory = key.substring(0, key.lastIndexOf('/') + 1);
    return NonRetryable.failure(
        FailureTypes.BACKUP_CORRUPT,
        "s3://"
            + bucket
            + "/"
            + key
            + " cannot be used: "
            + why
            + ". "
            + consequence
            + ". Inspect it (aws s3 cp s3://"
            + bucket
            + "/"
            + key
            + " -); if that base backup is damaged, remove it (aws s3 rm --recursive s3://"
            + bucket
            + "/"
            + directory
            + ") and "
            + rerun
            + ".");
  }
}
