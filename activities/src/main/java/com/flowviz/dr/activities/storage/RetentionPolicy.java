package com.flowviz.dr.activities.storage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Runbook section 7's retention table, held against a bucket's lifecycle rules and the storage
 * classes of the backups it holds.
 *
 * <pre>
 * Lot tracking, QC decisions, temperature logs   7 years   weekly backups (Deep Archive)
 * User audit logs                                3 years   daily backups (Glacier)
 * </pre>
 */
final class RetentionPolicy {

  /** What one prefix must keep, and where. */
  record Requirement(
      String prefix, int minimumDays, String years, String storageClass, String data) {
    String describe() {
      return data + ": " + years + ", " + prefix + " backups in " + storageClass;
    }
  }

  static final List<Requirement> RUNBOOK =
      List.of(
          new Requirement(
              "weekly/",
              2557,
              "7 years",
              "DEEP_ARCHIVE",
              "Lot tracking, QC decisions, temperature logs"),
          new Requirement("daily/", 1096, "3 years", "GLACIER", "User audit logs"));

  private RetentionPolicy() {}

  /**
   * @param storageClasses for each required prefix, how many stored backups are in which class
   */
  static RetentionReport evaluate(
      String bucket, List<LifecycleRule> rules, Map<String, Map<String, Long>> storageClasses) {
    return evaluate(
        bucket, rules, storageClasses, PhysicalArchiveFindings.Census.EMPTY, Instant.now());
  }

  /**
   * @param physical what the bucket holds of the physical archive (base backups), for {@link
   *     PhysicalArchiveFindings}
   */
  static RetentionReport evaluate(
      String bucket,
      List<LifecycleRule> rules,
      Map<String, Map<String, Long>> storageClasses,
      PhysicalArchiveFindings.Census physical,
      Instant now) {
    List<RetentionFinding> findings = new ArrayList<>();
    for (Requirement requirement : RUNBOOK) {
      List<LifecycleRule> applicable =
          rules.stream()
              .filter(LifecycleRule::enabled)
              .filter(r -> applies(r, requirement.prefix()))
              .toList();
      LifecycleRule shortest =
          applicable.stream()
              .filter(r -> r.expirationDays() != null)
              .min((a, b) -> Integer.compare(a.expirationDays(), b.expirationDays()))
              .orElse(null);
      if (shortest == null) {
        findings.add(
            new RetentionFinding(
                requirement.prefix(),
                RetentionFinding.OK,
                requirement.describe(),
                "no lifecycle rule deletes "
                    + requirement.prefix()
                    + " backups: they are kept until deleted by hand",
                null));
      } else if (shortest.expirationDays() < requirement.minimumDays()) {
        findings.add(
            new RetentionFinding(
                requirement.prefix(),
                RetentionFinding.VIOLATION,
                requirement.describe(),
                requirement.prefix()
                    + " backups are deleted after "
                    + shortest.expirationDays()
                    + " days ("
                    + years(shortest.expirationDays())
                    + "), short of the "
                    + requirement.years()
                    + " ("
                    + requirement.minimumDays()
                    + " days) required; raise the rule's expiration to at least "
                    + requirement.minimumDays()
                    + " days",
                shortest.id()));
      } else {
        findings.add(
            new RetentionFinding(
                requirement.prefix(),
                RetentionFinding.OK,
                requirement.describe(),
                requirement.prefix()
                    + " backups are kept "
                    + shortest.expirationDays()
                    + " days ("
                    + years(shortest.expirationDays())
                    + ")",
                shortest.id()));
      }

      boolean transitioned =
          applicable.stream()
              .flatMap(r -> r.transitions().stream())
              .anyMatch(t -> isAtLeastAsCold(t.storageClass(), requirement.storageClass()));
      Map<String, Long> stored = storageClasses.getOrDefault(requirement.prefix(), Map.of());
      long total = stored.values().stream().mapToLong(Long::longValue).sum();
      long cold =
          stored.entrySet().stream()
              .filter(e -> isAtLeastAsCold(e.getKey(), requirement.storageClass()))
              .mapToLong(Map.Entry::getValue)
              .sum();
      String census =
          total == 0
              ? "no " + requirement.prefix() + " backups stored yet"
              : cold
                  + " of "
                  + total
                  + " stored "
                  + requirement.prefix()
                  + " backups are in "
                  + requirement.storageClass()
                  + " or colder ("
                  + stored.entrySet().stream()
                      .map(e -> e.getKey() + ": " + e.getValue())
                      .collect(Collectors.joining(", "))
                  + ")";
      if (transitioned || (total > 0 && cold == total)) {
        findings.add(
            new RetentionFinding(
                requirement.prefix(),
                RetentionFinding.OK,
                requirement.describe(),
                (transitioned
                        ? "a lifecycle rule moves "
                            + requirement.prefix()
                            + " backups to "
                            + requirement.storageClass()
                            + "; "
                        : "")
                    + census,
                null));
      } else {
        findings.add(
            new RetentionFinding(
                requirement.prefix(),
                RetentionFinding.WARNING,
                requirement.describe(),
                "no lifecycle rule moves "
                    + requirement.prefix()
                    + " backups to "
                    + requirement.storageClass()
                    + "; "
                    + census
                    + ". Add a transition, or the backups stay in a more expensive class than"
                    + " section 7 plans.",
                null));
      }
    }
    for (LifecycleRule rule : rules) {
      if (!rule.enabled() && RUNBOOK.stream().anyMatch(r -> applies(rule, r.prefix()))) {
        findings.add(
            new RetentionFinding(
                rule.prefix(),
                RetentionFinding.WARNING,
                "",
                "rule " + rule.id() + " is disabled, so it neither keeps nor moves anything",
                rule.id()));
      }
    }
    findings.addAll(PhysicalArchiveFindings.evaluate(rules, physical, now));
    boolean compliant =
        findings.stream().noneMatch(f -> Objects.equals(f.severity(), RetentionFinding.VIOLATION));
    return new RetentionReport(bucket, compliant, rules, findings);
  }

  /** A rule touches a prefix when one of the two contains the other. */
  static boolean applies(LifecycleRule rule, String prefix) {
    return prefix.startsWith(rule.prefix()) || rule.prefix().startsWith(prefix);
  }

  private static boolean isAtLeastAsCold(String actual, String required) {
    List<String> order =
        List.of(
            "STANDARD",
            "INTELLIGENT_TIERING",
            "STANDARD_IA",
            "ONEZONE_IA",
            "GLACIER_IR",
            "GLACIER",
            "DEEP_ARCHIVE");
    int a = order.indexOf(actual);
    int r = order.indexOf(required);
    return a >= 0 && r >= 0 && a >= r;
  }

  private static String years(int days) {
    return String.format("%.1f years", days / 365.25);
  }
}
