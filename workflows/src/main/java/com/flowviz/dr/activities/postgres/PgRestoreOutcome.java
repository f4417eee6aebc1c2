package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What pg_restore did: how many parallel jobs, how long, and the tail of its verbose output.
 *
 * @param targetSpace what is known of the target server's free space, in words: the figures when
 *     its data directory is on this host, else that it cannot be read from here; null in outcomes
 *     recorded before it was reported
 * @param fidelity where the restored database differs from the archive's, or what was made for it:
 *     roles created from the backup's globals, tablespaces mapped to the default, a locale the
 *     server lacks, and the {@code --no-owner --no-privileges} fallback (an entry starting
 *     "FALLBACK"); empty when the restore is the archive's database as it was; null in outcomes
 *     recorded before restores kept owners and grants
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PgRestoreOutcome(
    String database,
    int jobs,
    long millis,
    String pgRestoreVersion,
    int objectsRestored,
    String targetSpace,
    List<String> fidelity) {

  /** The prefix of the fidelity entry that says owners and grants were not restored. */
  public static final String FALLBACK = "FALLBACK";

  @JsonCreator
  public PgRestoreOutcome {}

  public PgRestoreOutcome(
      String database,
      int jobs,
      long millis,
      String pgRestoreVersion,
      int objectsRestored,
      String targetSpace) {
    this(database, jobs, millis, pgRestoreVersion, objectsRestored, targetSpace, null);
  }

  public PgRestoreOutcome(
      String database, int jobs, long millis, String pgRestoreVersion, int objectsRestored) {
    this(database, jobs, millis, pgRestoreVersion, objectsRestored, null);
  }

  /**
   * Whether owners and privileges were restored as the archive has them (never, before they were
   * kept).
   */
  public boolean ownersAndPrivilegesRestored() {
    return fidelity != null && fidelity.stream().noneMatch(f -> f.startsWith(FALLBACK));
  }
}
