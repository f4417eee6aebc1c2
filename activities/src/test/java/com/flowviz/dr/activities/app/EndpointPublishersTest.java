package com.flowviz.dr.activities.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.secrets.SecretsManagerSecretStore;
import com.flowviz.dr.activities.testing.TestMoto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Runbook 4.3 step 5: the two ways the application learns where its database went. */
class EndpointPublishersTest {

  @TempDir Path dir;
  private final DatabaseEndpoint endpoint =
      new DatabaseEndpoint("10.0.1.17", 5433, "flowviz", "admin", "n3w-Passw0rd");

  @Test
  void theEnvFileIsPrivateAndTheComposeOverridePointsTheServiceAtIt() throws Exception {
    Path env = dir.resolve("config/db.env");
    Path override = dir.resolve("docker-compose.override.yml");

    String where = new EnvFilePublisher(env, override, "api").publish(endpoint);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
    String content = Files.readString(env);
    for (String line :
        new String[] {
          "DB_HOST=10.0.1.17",
          "DB_PORT=5433",
          "DB_NAME=flowviz",
          "DB_USER=admin",
          "DB_PASSWORD=n3w-Passw0rd"
        }) {
      assertTrue(content.contains(line + "\n"), content);
    }
    assertTrue(
        Files.readString(override)
            .contains("  api:\n    env_file:\n      - " + env.toAbsolutePath()),
        Files.readString(override));
    assertTrue(where.contains(env.toAbsolutePath().toString()));
    new EnvFilePublisher(env, override, "api").publish(endpoint);
    assertEquals(content, Files.readString(env), "publishing again writes the same file");
  }

  @Test
  void theApplicationSecretIsWrittenInRdsShapeToSecretsManager() throws Exception {
    SecretsManagerClient client = TestMoto.secretsManager();
    String secretId = "flowviz/app/database-" + UUID.randomUUID();
    SecretPublisher publisher =
        new SecretPublisher(new SecretsManagerSecretStore(client), secretId);

    publisher.publish(endpoint);
    publisher.publish(endpoint); // updates the existing secret

    JsonNode secret =
        Json.MAPPER.readTree(client.getSecretValue(b -> b.secretId(secretId)).secretString());
    assertEquals("postgres", secret.get("engine").asText());
    assertEquals("10.0.1.17", secret.get("host").asText());
    assertEquals(5433, secret.get("port").asInt());
    assertEquals("flowviz", secret.get("dbname").asText());
    assertEquals("admin", secret.get("username").asText());
    assertEquals("n3w-Passw0rd", secret.get("password").asText());
  }

  @Test
  void anEndpointNeverPrintsItsPassword() {
    assertEquals("admin@10.0.1.17:5433/flowviz", endpoint.toString());
  }
}
