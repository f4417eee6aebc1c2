package com.flowviz.dr.activities.secrets;

import java.util.Optional;

/**
 * Where the secrets this tool creates or reads by name live (passwords of provisioned instances,
 * the application's database secret): AWS Secrets Manager in production, a private directory on the
 * dev stack. Values never leave the activity that reads them.
 */
public interface SecretStore {

  Optional<String> read(String name);

  /** Creates or replaces. */
  void write(String name, String value);

  /** Removes; nothing happens when there is no such secret. */
  void delete(String name);

  /*
   * Secrets Manager's rotation protocol: a new value is first kept beside the current one as
   * AWSPENDING, where readers of the secret do not see it; only once it works is AWSCURRENT moved
   * to it. A rotation that stops in between leaves the current value in place and its pending
   * successor for the next attempt to finish.
   */

  /** The value staged as AWSPENDING and not yet current; empty when no rotation is under way. */
  default Optional<String> readPending(String name) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " keeps no pending values");
  }

  /**
   * Stages the value as AWSPENDING (creating the secret, without a current value, if it does not
   * exist).
   */
  default void writePending(String name, String value) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " keeps no pending values");
  }

  /** Makes the pending value current; nothing happens when nothing is pending. */
  default void promotePending(String name) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " keeps no pending values");
  }
}
