package com.flowviz.dr.workflows.backup;

import com.flowviz.dr.workflows.InputValidation;
import java.util.List;
import java.util.Locale;

/** The S3 storage classes a backup may be written in. */
final class StorageClasses {
  static final List<String> ALLOWED =
      List.of(
          "STANDARD",
          "STANDARD_IA",
          "ONEZONE_IA",
          "INTELLIGENT_TIERING",
          "GLACIER_IR",
          "GLACIER",
          "DEEP_ARCHIVE");

  private StorageClasses() {}

  static String parse(String value, String fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    String normalized = value.trim().toUpperCase(Locale.ROOT);
    if (!ALLOWED.contains(normalized)) {
      throw InputValidation.invalid(
          "storageClass \""
              + value
              + "\" is not an S3 storage class for backups; use one of "
              + ALLOWED
              + ".");
    }
    return normalized;
  }
}
