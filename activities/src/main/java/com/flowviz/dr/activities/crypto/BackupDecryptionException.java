package com.flowviz.dr.activities.crypto;

/**
 * A backup that cannot be decrypted, and why, in words for the operator. The {@code type} is one of
 * {@link com.flowviz.dr.workflows.FailureTypes}. None of these is fixed by retrying.
 */
public class BackupDecryptionException extends Exception {
  private final String type;

  public BackupDecryptionException(String type, String message) {
    super(message);
    this.type = type;
  }

  public String type() {
    return type;
  }
}
