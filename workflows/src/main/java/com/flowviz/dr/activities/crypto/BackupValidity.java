package com.flowviz.dr.activities.crypto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What reading a whole backup proved: its SHA-256 against its manifest, its OpenPGP decryption with
 * the integrity check (MDC), and that the plaintext is a pg_dump archive.
 *
 * @param problem why the backup cannot be restored, for the step and the report; null when valid
 * @param failureType the {@link com.flowviz.dr.workflows.FailureTypes} name of the problem; null
 *     when valid
 * @param checked what was checked, in words
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupValidity(boolean valid, String problem, String failureType, String checked) {

  public static BackupValidity valid(String checked) {
    return new BackupValidity(true, null, null, checked);
  }

  public static BackupValidity invalid(String failureType, String problem) {
    return new BackupValidity(false, problem, failureType, null);
  }
}
