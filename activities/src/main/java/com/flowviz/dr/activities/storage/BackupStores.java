package com.flowviz.dr.activities.storage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The backup store of each region: the primary bucket lives in one region, the DR bucket in another
 * (runbook 4.4), and each is read through a client of its own region.
 */
public final class BackupStores {
  private final BackupStore defaultStore;
  private final Function<String, BackupStore> regional;
  private final Map<String, BackupStore> byRegion = new ConcurrentHashMap<>();

  /**
   * @param regional makes the store of a region; null when every region shares the default (a local
   *     directory)
   */
  public BackupStores(BackupStore defaultStore, Function<String, BackupStore> regional) {
    this.defaultStore = defaultStore;
    this.regional = regional;
  }

  public static BackupStores single(BackupStore store) {
    return new BackupStores(store, null);
  }

  /** The store for a bucket in the region; null region means the worker's default region. */
  public BackupStore forRegion(String region) {
    if (region == null || regional == null) {
      return defaultStore;
    }
    return byRegion.computeIfAbsent(region, regional);
  }

  public BackupStore defaultStore() {
    return defaultStore;
  }
}
