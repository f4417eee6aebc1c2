package com.flowviz.dr.activities.secrets;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Secrets in AWS Secrets Manager, as string secrets, with its AWSPENDING/AWSCURRENT stages for
 * rotation.
 */
public final class SecretsManagerSecretStore implements SecretStore {
  private static final String CURRENT = "AWSCURRENT";
  private static final String PENDING = "AWSPENDING";
  private final SecretsManagerClient client;

  public SecretsManagerSecretStore(SecretsManagerClient client) {
    this.client = client;
  }

  @Override
  public Optional<String> read(String name) {
    try {
      // AWSCURRENT named, not implied: the same in AWS, and moto's implied version does not follow
      // UpdateSecretVersionStage.
      return Optional.ofNullable(
          client.getSecretValue(b -> b.secretId(name).versionStage(CURRENT)).secretString());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public void write(String name, String value) {
    try {
      client.createSecret(
          b -> b.name(name).secretString(value).description("Written by flowviz-dr"));
    } catch (ResourceExistsException e) {
      client.putSecretValue(b -> b.secretId(name).secretString(value));
    }
  }

  @Override
  public Optional<String> readPending(String name) {
    Optional<Versions> versions = versions(name);
    if (versions.isEmpty() || versions.get().pending() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        client.getSecretValue(b -> b.secretId(name).versionStage(PENDING)).secretString());
  }

  @Override
  public void writePending(String name, String value) {
    if (versions(name).isEmpty()) {
      try {
        // No value yet: the secret's first value becomes current only when promoted.
        client.createSecret(b -> b.name(name).description("Written by flowviz-dr"));
      } catch (ResourceExistsException e) {
        // made in the meantime; stage the value on it
      }
    }
    client.putSecretValue(b -> b.secretId(name).secretString(value).versionStages(PENDING));
  }

  @Override
  public void promotePending(String name) {
    Optional<Versions> versions = versions(name);
    if (versions.isEmpty() || versions.get().pending() == null) {
      return;
    }
    String pending = versions.get().pending();
    String current = versions.get().current();
    if (!pending.equals(current)) {
      client.updateSecretVersionStage(
          b -> {
            b.secretId(name).versionStage(CURRENT).moveToVersionId(pending);
            if (current != null) {
              b.removeFromVersionId(current);
            }
          });
    }
    client.updateSecretVersionStage(
        b -> b.secretId(name).versionStage(PENDING).removeFromVersionId(pending));
  }

  /**
   * The versions holding AWSCURRENT and AWSPENDING; empty when no such secret. Both labels on one
   * version is a secret's first value, staged but not finished: Secrets Manager makes a secret's
   * first version current whatever stage it is given, and a finished rotation removes AWSPENDING.
   */
  private Optional<Versions> versions(String name) {
    Map<String, List<String>> stages;
    try {
      stages = client.describeSecret(b -> b.secretId(name)).versionIdsToStages();
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
    String current = null;
    String pending = null;
    for (Map.Entry<String, List<String>> version : stages.entrySet()) {
      if (version.getValue().contains(CURRENT)) {
        current = version.getKey();
      }
      if (version.getValue().contains(PENDING)) {
        pending = version.getKey();
      }
    }
    return Optional.of(new Versions(current, pending));
  }

  private record Versions(String current, String pending) {}

  @Override
  public void delete(String name) {
    try {
      client.deleteSecret(b -> b.secretId(name).forceDeleteWithoutRecovery(true));
    } catch (ResourceNotFoundException e) {
      // already gone
    }
  }
}
