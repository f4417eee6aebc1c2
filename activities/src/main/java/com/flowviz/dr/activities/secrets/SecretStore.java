package com.flowviz.dr.activities.secrets;

import java.util.Optional;

/**
 * Where the secrets this tool creates or reads by name live (passwords of provisioned instances,
 * the application's database secret): AWS Secrets Manager in production, a private directory on
 * the dev stack. Values never leave the activity that reads them.
 */
public interface SecretStore {

  Optional<String> read(String name);

  /** Creates or replaces. */
  void write(String name, String value);

  /** Removes; nothing happens when there is no such secret. */
  void delete(String name);
}
