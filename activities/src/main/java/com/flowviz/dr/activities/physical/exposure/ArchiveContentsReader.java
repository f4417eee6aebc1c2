package com.flowviz.dr.activities.physical.exposure;

import com.flowviz.dr.activities.physical.ArchiveContents;
import com.flowviz.dr.activities.physical.ArchiveLocation;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.BackupStores;
import com.flowviz.dr.activities.storage.StoredObject;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The bucket's view of one cluster's archive: the newest WAL object and the newest complete base
 * backup (one whose flowviz manifest exists, as retention and restore count them). Listing is all
 * it does; an unreadable bucket is a result, not a failure.
 */
public final class ArchiveContentsReader {

  private final BackupStores stores;

  public ArchiveContentsReader(BackupStores stores) {
    this.stores = stores;
  }

  public ArchiveContents read(ArchiveLocation location) {
    BackupStore store = stores.forRegion(location.region());
    String system = location.systemIdentifier();
    try {
      Optional<StoredObject> wal =
          newest(
              store.list(location.bucket(), PhysicalArchiveLayout.walPrefix(system)).stream()
                  .filter(o -> o.key().endsWith(PhysicalArchiveLayout.WAL_SUFFIX))
                  .toList());
      Optional<StoredObject> manifest =
          newest(
              store.list(location.bucket(), PhysicalArchiveLayout.basePrefix(system)).stream()
                  .filter(o -> o.key().endsWith("/" + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE))
                  .toList());
      return ArchiveContents.builder()
          .bucket(location.bucket())
          .systemIdentifier(system)
          .reachable(true)
          .newestWalKey(wal.map(StoredObject::key).orElse(null))
          .newestWalAt(wal.map(StoredObject::lastModified).orElse(null))
          .newestBaseBackupId(manifest.map(m -> backupId(system, m.key())).orElse(null))
          .newestBaseBackupAt(manifest.map(StoredObject::lastModified).orElse(null))
          .build();
    } catch (IOException | RuntimeException e) {
      return ArchiveContents.builder()
          .bucket(location.bucket())
          .systemIdentifier(system)
          .reachable(false)
          .problem(store.describe() + ": " + e.getMessage())
          .build();
    }
  }

  private static Optional<StoredObject> newest(List<StoredObject> objects) {
    return objects.stream().max(Comparator.comparing(StoredObject::lastModified));
  }

  /** {@code base/<system>/<id>/flowviz-manifest.json} to {@code <id>}. */
  private static String backupId(String system, String manifestKey) {
    String rest = manifestKey.substring(PhysicalArchiveLayout.basePrefix(system).length());
    return rest.substring(0, rest.indexOf('/'));
  }
}
