package com.flowviz.dr.activities.physical.wal;

/**
 * A different WAL file is offered under a name already archived: the archive holds one history of
 * the cluster and this is another. Nothing was written; the archived object is untouched.
 */
public final class WalConflict extends Exception {

  private final String key;
  private final String archivedSha256;
  private final String offeredSha256;

  public WalConflict(String bucket, String key, String archivedSha256, String offeredSha256) {
    super(
        "ALARM: s3://"
            + bucket
            + "/"
            + key
            + " is already archived with plaintext SHA-256 "
            + (archivedSha256 == null
                ? "(none recorded: not written by flowviz-dr)"
                : archivedSha256)
            + ", and the server now offers a different file under that name (SHA-256 "
            + offeredSha256
            + "). The archived object was left untouched and this segment is NOT archived, so"
            + " PostgreSQL keeps it in pg_wal and retries. Two servers with the same system"
            + " identifier are archiving to one prefix (a copied data directory, or an old primary"
            + " still running after a failover), or the object was replaced by hand. Find the"
            + " second server and stop its archiving (archive_mode=off) or give it its own"
            + " identity; do not delete the archived object until you know which history is the"
            + " real one.");
    this.key = key;
    this.archivedSha256 = archivedSha256;
    this.offeredSha256 = offeredSha256;
  }

  public String key() {
    return key;
  }

  public String archivedSha256() {
    return archivedSha256;
  }

  public String offeredSha256() {
    return offeredSha256;
  }
}
