package com.flowviz.dr.workflows.archive;

import com.flowviz.dr.workflows.InputValidation;
import java.time.Duration;

/**
 * S3 retrieval tiers and what the runbook and AWS promise for each: how long a retrieval takes, how
 * often we look, how long we wait at most.
 */
public enum RetrievalTier {
  EXPEDITED("Expedited"),
  STANDARD("Standard"),
  BULK("Bulk");

  private final String s3Name;

  RetrievalTier(String s3Name) {
    this.s3Name = s3Name;
  }

  /** The name S3 expects in GlacierJobParameters.Tier. */
  public String s3Name() {
    return s3Name;
  }

  public static RetrievalTier parse(String value) {
    if (value == null || value.isBlank()) {
      return STANDARD;
    }
    for (RetrievalTier tier : values()) {
      if (tier.s3Name.equalsIgnoreCase(value.trim())) {
        return tier;
      }
    }
    throw InputValidation.invalid(
        "retrievalTier \""
            + value
            + "\" is not a retrieval tier; use Standard (the runbook's), Bulk (cheaper, slower) or"
            + " Expedited (Glacier Flexible Retrieval only).");
  }

  /** Whether S3 offers this tier for the archive class. */
  public boolean availableFor(String archiveClass) {
    return !(this == EXPEDITED && "DEEP_ARCHIVE".equals(archiveClass));
  }

  /** "1-5 min", "within 12 h", ... */
  public String expectedWindow(String archiveClass) {
    return label(archiveClass)
        + ": "
        + switch (this) {
          case EXPEDITED -> "1-5 minutes";
          case STANDARD -> "DEEP_ARCHIVE".equals(archiveClass) ? "within 12 hours" : "3-5 hours";
          case BULK -> "DEEP_ARCHIVE".equals(archiveClass) ? "within 48 hours" : "5-12 hours";
        };
  }

  /** The earliest a retrieval can be expected to finish. */
  public Duration earliest(String archiveClass) {
    return switch (this) {
      case EXPEDITED -> Duration.ofMinutes(1);
      case STANDARD -> "DEEP_ARCHIVE".equals(archiveClass) ? Duration.ZERO : Duration.ofHours(3);
      case BULK -> "DEEP_ARCHIVE".equals(archiveClass) ? Duration.ZERO : Duration.ofHours(5);
    };
  }

  /** The latest a retrieval is expected to finish. */
  public Duration latest(String archiveClass) {
    return switch (this) {
      case EXPEDITED -> Duration.ofMinutes(5);
      case STANDARD ->
          "DEEP_ARCHIVE".equals(archiveClass) ? Duration.ofHours(12) : Duration.ofHours(5);
      case BULK ->
          "DEEP_ARCHIVE".equals(archiveClass) ? Duration.ofHours(48) : Duration.ofHours(12);
    };
  }

  /**
   * How often to look: about twenty-four looks over the expected window, at least a minute apart.
   */
  public Duration defaultPollInterval(String archiveClass) {
    Duration interval = latest(archiveClass).dividedBy(24);
    return interval.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : interval;
  }

  /** How long to wait before giving up: three times the promised latest. */
  public Duration defaultMaxWait(String archiveClass) {
    return latest(archiveClass).multipliedBy(3);
  }

  private static String label(String archiveClass) {
    return "DEEP_ARCHIVE".equals(archiveClass) ? "Deep Archive" : "Glacier Flexible Retrieval";
  }
}
