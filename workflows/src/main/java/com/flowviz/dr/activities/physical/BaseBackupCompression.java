package com.flowviz.dr.activities.physical;

/**
 * How a base backup's tar is compressed inside its OpenPGP message, as its manifest records it. The
 * choice was measured (docs/benchmarks.md, Base backup): OpenPGP itself offers only zlib, ZIP and
 * bzip2, and zlib at its fastest level took three times the CPU of a whole pgBackRest backup of the
 * same cluster, so the default is zstd at level 1 before encryption, on two of the library's own
 * threads.
 */
public enum BaseBackupCompression {

  /**
   * The literal data is a zstd frame of the tar: {@code gpg --decrypt base.tar.zst.gpg | zstd -d |
   * tar -x}. The default.
   */
  ZSTD("zstd", "base.tar.zst.gpg"),

  /**
   * The tar in a zlib-compressed OpenPGP packet, which gpg undoes itself: {@code gpg --decrypt
   * base.tar.gpg | tar -x}. What every base backup before the manifest's {@code compression} field
   * was; about three times slower to take than {@link #ZSTD}.
   */
  OPENPGP_ZLIB("openpgp-zlib", "base.tar.gpg");

  private final String manifestName;
  private final String dataFile;

  BaseBackupCompression(String manifestName, String dataFile) {
    this.manifestName = manifestName;
    this.dataFile = dataFile;
  }

  /** The value of the manifest's {@code compression} field and of the worker's setting. */
  public String manifestName() {
    return manifestName;
  }

  /** The encrypted tar's object name in the backup's directory. */
  public String dataFile() {
    return dataFile;
  }

  /**
   * The compression a manifest names; a manifest without the field predates it and is {@link
   * #OPENPGP_ZLIB}.
   */
  public static BaseBackupCompression named(String name) {
    if (name == null || name.isBlank()) {
      return OPENPGP_ZLIB;
    }
    for (BaseBackupCompression c : values()) {
      if (c.manifestName.equalsIgnoreCase(name.strip())) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "Unknown base backup compression '"
            + name
            + "': use "
            + ZSTD.manifestName
            + " (the default) or "
            + OPENPGP_ZLIB.manifestName);
  }
}
