package com.flowviz.dr.activities.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * The backup private key where the runbook keeps it (section 8): AWS Secrets Manager, secret {@code
 * flowviz/backup/gpg-private-key} holding the armored key, as {@code gpg --export-secret-keys
 * --armor} writes it. The passphrase comes from a second secret, or from a JSON secret {@code
 * {"privateKey": "...", "passphrase": "..."}}.
 */
public final class SecretsManagerPrivateKeySource implements PrivateKeySource {

  public static final String DEFAULT_KEY_SECRET = "flowviz/backup/gpg-private-key";
  public static final String DEFAULT_PASSPHRASE_SECRET = "flowviz/backup/gpg-passphrase";

  private final SecretsManagerClient secrets;
  private final String keySecretId;
  private final String passphraseSecretId;

  /**
   * @param passphraseSecretId may be null, or name a secret that does not exist: no passphrase then
   */
  public SecretsManagerPrivateKeySource(
      SecretsManagerClient secrets, String keySecretId, String passphraseSecretId) {
    this.secrets = secrets;
    this.keySecretId = keySecretId;
    this.passphraseSecretId = passphraseSecretId;
  }

  @Override
  public PrivateKeyMaterial load() throws KeyUnavailableException {
    byte[] secret = fetch(keySecretId, true);
    if (secret.length > 0 && secret[0] == '{') {
      return fromJson(secret);
    }
    char[] passphrase = null;
    if (passphraseSecretId != null && !passphraseSecretId.isBlank()) {
      byte[] value = fetch(passphraseSecretId, false);
      if (value != null) {
        passphrase = FilePrivateKeySource.decodeLine(value);
        Arrays.fill(value, (byte) 0);
      }
    }
    return new PrivateKeyMaterial(secret, passphrase, "Secrets Manager secret " + keySecretId);
  }

  private PrivateKeyMaterial fromJson(byte[] secret) throws KeyUnavailableException {
    try {
      JsonNode node = Json.MAPPER.readTree(secret);
      JsonNode key = node.get("privateKey");
      if (key == null || !key.isTextual()) {
        throw new KeyUnavailableException(
            "The secret "
                + keySecretId
                + " is JSON but has no \"privateKey\" text field; store the armored key itself"
                + " or {\"privateKey\": \"...\", \"passphrase\": \"...\"}.");
      }
      JsonNode passphrase = node.get("passphrase");
      return new PrivateKeyMaterial(
          key.asText().getBytes(StandardCharsets.UTF_8),
          passphrase == null || passphrase.isNull() ? null : passphrase.asText().toCharArray(),
          "Secrets Manager secret " + keySecretId);
    } catch (IOException e) {
      throw new KeyUnavailableException(
          "The secret " + keySecretId + " starts with '{' but is not valid JSON.");
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** The secret's value; null when it does not exist and is optional. */
  private byte[] fetch(String secretId, boolean required) throws KeyUnavailableException {
    try {
      GetSecretValueResponse response = secrets.getSecretValue(b -> b.secretId(secretId));
      if (response.secretString() != null) {
        return response.secretString().getBytes(StandardCharsets.UTF_8);
      }
      SdkBytes binary = response.secretBinary();
      return binary == null ? new byte[0] : binary.asByteArray();
    } catch (ResourceNotFoundException e) {
      if (!required) {
        return null;
      }
      throw new KeyUnavailableException(
          "The secret "
              + secretId
              + " does not exist in Secrets Manager (region "
              + secrets.serviceClientConfiguration().region()
              + "). Store the backup private key there (runbook"
              + " section 8) or configure a key file.");
    } catch (SecretsManagerException e) {
      if (e.statusCode() == 400 || e.statusCode() == 403) {
        throw new KeyUnavailableException(
            "Secrets Manager refused to give the secret "
                + secretId
                + " ("
                + e.awsErrorDetails().errorCode()
                + "). Check the worker's IAM permissions for secretsmanager:GetSecretValue.");
      }
      throw e;
    }
  }

  @Override
  public String describe() {
    return "Secrets Manager secret " + keySecretId;
  }
}
