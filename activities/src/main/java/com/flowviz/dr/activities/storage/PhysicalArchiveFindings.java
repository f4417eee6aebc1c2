package com.flowviz.dr.activities.storage;

import com.flowviz.dr.activities.physical.ArchiveExpirySpec;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The physical archive's side of the retention check. {@code ExpireArchive} deletes base backups
 * and WAL exactly (WAL from the oldest kept base backup on); a lifecycle rule deletes by age,
 * object by object, without knowing which WAL a kept backup still needs. So:
 *
 * <ul>
 *   <li>an expiration on {@code wal/} or {@code base/} within the base backup retention deletes
 *       what must stay restorable: a VIOLATION; beyond it, a WARNING: it breaks the oldest kept
 *       backup as soon as base backups stop succeeding for the difference;
 *   <li>no rule aborting incomplete multipart uploads under {@code base/}: a WARNING, since every
 *       killed base backup leaves its uploaded parts behind, billed and invisible to listings.
 * </ul>
 *
 * The weekly dumps' 7 years stay {@link RetentionPolicy#RUNBOOK}'s job.
 */
final class PhysicalArchiveFindings {

  static final String REQUIREMENT =
      "Point-in-time restore (runbook 2.1, 2.3): every kept base backup with the WAL from its start"
          + " on; ExpireArchive keeps the "
          + ArchiveExpirySpec.DEFAULT_KEEP_BASE_BACKUPS
          + " newest and "
          + ArchiveExpirySpec.DEFAULT_KEEP_FOR.toDays()
          + " days of base backups";

  static final String MULTIPART_REQUIREMENT =
      "Killed base backup uploads (issue 17): incomplete multipart uploads under "
          + PhysicalArchiveLayout.BASE_PREFIX
          + " aborted by the lifecycle";

  /** Classes a restore cannot read without a retrieval first. */
  private static final Set<String> ARCHIVE_CLASSES = Set.of("GLACIER", "DEEP_ARCHIVE");

  /**
   * What the bucket holds of the physical archive.
   *
   * @param oldestBackup the oldest complete base backup's directory ({@code base/<sysid>/<id>/}),
   *     or null when there is none
   * @param oldestBackupTime when it stopped (its manifest's stopTime)
   */
  record Census(int completeBackups, String oldestBackup, Instant oldestBackupTime) {
    static final Census EMPTY = new Census(0, null, null);
  }

  private PhysicalArchiveFindings() {}

  static List<RetentionFinding> evaluate(List<LifecycleRule> rules, Census census, Instant now) {
    List<LifecycleRule> enabled = rules.stream().filter(LifecycleRule::enabled).toList();
    long retentionDays = ArchiveExpirySpec.DEFAULT_KEEP_FOR.toDays();
    long oldestAgeDays =
        census.oldestBackupTime() == null
            ? 0
            : Duration.between(census.oldestBackupTime(), now).toDays();
    long mustReach = Math.max(retentionDays, oldestAgeDays);
    List<RetentionFinding> findings = new ArrayList<>();
    for (String prefix :
        List.of(PhysicalArchiveLayout.WAL_PREFIX, PhysicalArchiveLayout.BASE_PREFIX)) {
      List<LifecycleRule> applicable =
          enabled.stream().filter(r -> RetentionPolicy.applies(r, prefix)).toList();
      String what = prefix.equals(PhysicalArchiveLayout.WAL_PREFIX) ? "WAL" : "base backup";
      LifecycleRule shortest =
          applicable.stream()
              .filter(r -> r.expirationDays() != null)
              .min(Comparator.comparing(LifecycleRule::expirationDays))
              .orElse(null);
      if (shortest == null) {
        findings.add(
            new RetentionFinding(
                prefix,
                RetentionFinding.OK,
                REQUIREMENT,
                "no lifecycle rule expires "
                    + prefix
                    + " objects by age: ExpireArchive deletes exactly the "
                    + what
                    + " objects no kept base backup needs",
                null));
      } else {
        findings.add(expiryFinding(prefix, what, shortest, retentionDays, mustReach, census, now));
      }
      applicable.stream()
          .filter(
              r ->
                  r.transitions().stream()
                      .anyMatch(t -> ARCHIVE_CLASSES.contains(t.storageClass())))
          .forEach(
              r ->
                  findings.add(
                      new RetentionFinding(
                          prefix,
                          RetentionFinding.WARNING,
                          REQUIREMENT,
                          "rule "
                              + r.id()
                              + " moves "
                              + prefix
                              + " objects to "
                              + r.transitions().stream()
                                  .filter(t -> ARCHIVE_CLASSES.contains(t.storageClass()))
                                  .map(t -> t.storageClass() + " after " + t.days() + " days")
                                  .toList()
                              + ": a point-in-time restore cannot read them without a retrieval"
                              + " of every object first (hours); keep the physical archive in"
                              + " STANDARD, STANDARD_IA or GLACIER_IR",
                          r.id())));
    }
    findings.add(multipartFinding(enabled));
    return findings;
  }

  private static RetentionFinding expiryFinding(
      String prefix,
      String what,
      LifecycleRule rule,
      long retentionDays,
      long mustReach,
      Census census,
      Instant now) {
    int days = rule.expirationDays();
    String oldest =
        census.oldestBackup() == null
            ? ""
            : "; the oldest base backup kept in the bucket, "
                + census.oldestBackup()
                + ", is "
                + ageText(census.oldestBackupTime(), now)
                + " old";
    if (days <= mustReach) {
      return new RetentionFinding(
          prefix,
          RetentionFinding.VIOLATION,
          REQUIREMENT,
          "rule "
              + rule.id()
              + " deletes "
              + prefix
              + " objects after "
              + days
              + " days, which does NOT exceed the base backup retention ("
              + retentionDays
              + " days"
              + oldest
              + "): it deletes "
              + what
              + " objects a kept base backup needs, so a point-in-time restore from it fails."
              + " Remove the rule's expiration (ExpireArchive deletes exactly what no backup"
              + " needs) or raise it well above "
              + mustReach
              + " days",
          rule.id());
    }
    return new RetentionFinding(
        prefix,
        RetentionFinding.WARNING,
        REQUIREMENT,
        "rule "
            + rule.id()
            + " deletes "
            + prefix
            + " objects after "
            + days
            + " days, which exceeds the base backup retention ("
            + retentionDays
            + " days"
            + oldest
            + ") by "
            + (days - mustReach)
            + " days: safe only while base backups keep succeeding. ExpireArchive never deletes"
            + " the last base backups, but if none succeeds for "
            + (days - mustReach)
            + " days this rule deletes "
            + (what.equals("WAL")
                ? "the WAL the oldest kept one needs"
                : "them anyway, its data before its manifest")
            + ". Prefer no expiration on "
            + prefix,
        rule.id());
  }

  private static String ageText(Instant time, Instant now) {
    Duration age = Duration.between(time, now);
    return age.toDays() > 0 ? age.toDays() + " days" : age.toHours() + " hours";
  }

  private static RetentionFinding multipartFinding(List<LifecycleRule> enabled) {
    // Only a rule covering all of base/ collects every cluster's killed uploads.
    LifecycleRule abort =
        enabled.stream()
            .filter(r -> r.abortIncompleteMultipartUploadDays() != null)
            .filter(r -> PhysicalArchiveLayout.BASE_PREFIX.startsWith(r.prefix()))
            .min(Comparator.comparing(LifecycleRule::abortIncompleteMultipartUploadDays))
            .orElse(null);
    if (abort == null) {
      return new RetentionFinding(
          PhysicalArchiveLayout.BASE_PREFIX,
          RetentionFinding.WARNING,
          MULTIPART_REQUIREMENT,
          "no lifecycle rule aborts incomplete multipart uploads under "
              + PhysicalArchiveLayout.BASE_PREFIX
              + ": every base backup killed mid-upload leaves its parts behind, billed and"
              + " invisible to listings (aws s3api list-multipart-uploads). Add an"
              + " AbortIncompleteMultipartUpload rule (DaysAfterInitiation 2) for prefix \"\" or"
              + " \"base/\" (a base backup must finish within it); deploy/production/"
              + "bucket-lifecycle.json has one",
          null);
    }
    return new RetentionFinding(
        PhysicalArchiveLayout.BASE_PREFIX,
        RetentionFinding.OK,
        MULTIPART_REQUIREMENT,
        "rule "
            + abort.id()
            + " aborts multipart uploads under \""
            + abort.prefix()
            + "\" "
            + abort.abortIncompleteMultipartUploadDays()
            + " days after they started",
        abort.id());
  }
}
