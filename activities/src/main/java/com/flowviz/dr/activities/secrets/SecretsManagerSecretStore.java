package com.flowviz.dr.activities.secrets;

import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** Secrets in AWS Secrets Manager, as string secrets. */
public final class SecretsManagerSecretStore implements SecretStore {
  private final SecretsManagerClient client;

  public SecretsManagerSecretStore(SecretsManagerClient client) {
    this.client = client;
  }

  @Override
  public Optional<String> read(String name) {
    try {
      return Optional.ofNullable(client.getSecretValue(b -> b.secretId(name)).secretString());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public void write(String name, String value) {
    try {
      client.createSecret(b -> b.name(name).secretString(value).description("Written by flowviz-dr"));
    } catch (ResourceExistsException e) {
      client.putSecretValue(b -> b.secretId(name).secretString(value));
    }
  }

  @Override
  public void delete(String name) {
    try {
      client.deleteSecret(b -> b.secretId(name).forceDeleteWithoutRecovery(true));
    } catch (ResourceNotFoundException e) {
      // already gone
    }
  }
}
