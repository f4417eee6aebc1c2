package com.flowviz.dr.workflows;

import com.flowviz.dr.activities.postgres.ServerNames;
import io.temporal.failure.ApplicationFailure;
import java.util.regex.Pattern;

/**
 * Checks on workflow inputs, run before any activity so that bad input changes nothing. Every
 * rejection is a non-retryable {@link FailureTypes#INVALID_INPUT} failure that names the field, the
 * value and what a valid value looks like.
 */
public final class InputValidation {

  /** Lower-case PostgreSQL identifiers that need no quoting and fit in NAMEDATALEN - 1. */
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** S3 bucket naming rules (the subset that matters for safety). */
  private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private static final Pattern KEY_FORBIDDEN = Pattern.compile("[*?\\[\\]\\\\\\p{Cntrl}]");

  private static final Pattern OPERATOR = Pattern.compile("[\\p{L}\\p{N} ._@'-]{1,100}");

  private static final String[] RESERVED_DATABASES = {"postgres", "template0", "template1"};

  private InputValidation() {}

  public static String databaseName(String field, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(
          field + " is missing: give the name of a PostgreSQL database, e.g. \"flowviz\".");
    }
    if (!DATABASE_NAME.matcher(value).matches()) {
      throw invalid(
          field
              + " \""
              + printable(value)
              + "\" is not a safe database name: use 1 to 63 characters of a-z, 0-9 and _,"
              + " starting with a letter or _ (for example \"flowviz\").");
    }
    for (String reserved : RESERVED_DATABASES) {
      if (reserved.equals(value)) {
        throw invalid(
            field
                + " \""
                + value
                + "\" is a PostgreSQL system database; choose the application database.");
      }
    }
    return value;
  }

  public static String bucketName(String field, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(
          field + " is missing: give an S3 bucket name such as \"" + Defaults.BUCKET + "\".");
    }
    if (!BUCKET_NAME.matcher(value).matches() || value.contains("..")) {
      throw invalid(
          field
              + " \""
              + printable(value)
              + "\" is not a valid S3 bucket name (3-63 characters: a-z, 0-9, '.', '-').");
    }
    return value;
  }

  /** An object key we may read: relative, no traversal, no wildcards, ends in an OpenPGP suffix. */
  public static String backupKey(String field, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(
          field
              + " is missing: give an object key such as"
              + " daily/flowviz_daily_20250119_020000.dump.gpg, or \"latest\".");
    }
    if (value.length() > 1024
        || value.startsWith("/")
        || KEY_FORBIDDEN.matcher(value).find()
        || ("/" + value + "/").contains("/../")
        || ("/" + value + "/").contains("/./")) {
      throw invalid(
          field
              + " \""
              + printable(value)
              + "\" is not a plain object key: no leading '/', no '.' or '..' segments, no"
              + " wildcards (* ? [ ]), backslashes or control characters. List backups with"
              + " `flowviz-dr list` and copy a key from it.");
    }
    if (!(value.endsWith(".gpg") || value.endsWith(".pgp") || value.endsWith(".asc"))) {
      throw invalid(
          field
              + " \""
              + printable(value)
              + "\" does not name an encrypted backup (expected a key ending in .dump.gpg).");
    }
    return value;
  }

  public static String prefix(String field, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(field + " is missing: use \"daily/\" or \"weekly/\".");
    }
    if (value.startsWith("/")
        || KEY_FORBIDDEN.matcher(value).find()
        || ("/" + value).contains("/../")
        || !value.endsWith("/")) {
      throw invalid(
          field
              + " \""
              + printable(value)
              + "\" is not a key prefix such as \"daily/\" (relative, ends in '/', no wildcards).");
    }
    return value;
  }

  /**
   * A server as inputs name it: "production" (also for blank), "instance:&lt;name&gt;" or
   * "stack:&lt;workspace&gt;"; never a host or a secret.
   */
  public static String serverName(String field, String value) {
    if (value == null || value.isBlank()) {
      return ServerNames.PRODUCTION;
    }
    if (!ServerNames.isServerName(value)) {
      throw invalid(
          field
              + " \""
              + printable(value)
              + "\" is not a server name: give \"production\", \"instance:<name>\" (an instance"
              + " flowviz-dr provisioned) or \"stack:<workspace>\" (a stack it applied).");
    }
    return value;
  }

  public static String operator(String value) {
    if (value == null || value.isBlank()) {
      return Defaults.UNKNOWN_OPERATOR;
    }
    if (!OPERATOR.matcher(value).matches()) {
      throw invalid(
          "operator \""
              + printable(value)
              + "\" is not a plain name: use up to 100 letters, digits, spaces and . _ @ ' -.");
    }
    return value;
  }

  public static String freeText(String field, String value, int maxLength) {
    if (value == null) {
      return "";
    }
    if (value.length() > maxLength) {
      throw invalid(
          field + " is " + value.length() + " characters long; keep it under " + maxLength + ".");
    }
    return value;
  }

  public static ApplicationFailure invalid(String message) {
    return ApplicationFailure.newNonRetryableFailure(
        "Invalid input: " + message, FailureTypes.INVALID_INPUT);
  }

  /** Echo a rejected value without letting it spoil a terminal or a log line. */
  private static final Pattern INSTANCE_NAME = Pattern.compile("[a-z][a-z0-9-]{1,48}[a-z0-9]");

  /**
   * A database instance this tool provisions (4.3, drills) or removes: a name every provisioner
   * accepts.
   */
  public static String instanceName(String field, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(
          field
              + " is missing: give the instance's name (a RestoreToNewInstance or RecoveryDrill"
              + " result names it).");
    }
    if (!INSTANCE_NAME.matcher(value).matches()) {
      throw invalid(
          field
              + " \""
              + printable(value)
              + "\" is not an instance name: 3 to 50 characters of a-z, 0-9 and '-', starting with"
              + " a letter.");
    }
    return value;
  }

  public static String printable(String value) {
    String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    StringBuilder out = new StringBuilder(shown.length());
    shown
        .codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
