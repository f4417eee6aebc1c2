package com.flowviz.dr.activities.crypto;

/** Where the backup private key is kept (AWS Secrets Manager, or a local file). */
public interface PrivateKeySource {

  /**
   * Loads the key for one use; the caller closes it.
   *
   * @throws KeyUnavailableException when the key cannot be had and retrying will not help
   */
  PrivateKeyMaterial load() throws KeyUnavailableException;

  String describe();

  /** The key or its passphrase is missing or unreadable where configured. */
  final class KeyUnavailableException extends Exception {
    public KeyUnavailableException(String message) {
      super(message);
    }
  }
}
