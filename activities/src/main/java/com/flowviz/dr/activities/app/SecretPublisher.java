package com.flowviz.dr.activities.app;

import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.secrets.SecretStore;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The endpoint as the application's database secret, in the shape RDS uses ({@code
 * {"engine","host","port","dbname","username","password"}}), so applications that read an RDS
 * secret need no change.
 */
public final class SecretPublisher implements EndpointPublisher {
  private final SecretStore secrets;
  private final String secretId;

  public SecretPublisher(SecretStore secrets, String secretId) {
    this.secrets = secrets;
    this.secretId = secretId;
  }

  private Map<String, Object> keptCredentials() {
    Map<String, Object> kept = new LinkedHashMap<>();
    secrets
        .read(secretId)
        .ifPresent(
            value -> {
              try {
                var node = Json.MAPPER.readTree(value);
                for (String field : new String[] {"username", "password"}) {
                  if (node != null && node.hasNonNull(field)) {
                    kept.put(field, node.get(field).asText());
                  }
                }
              } catch (IOException e) {
                // Not the RDS shape: nothing to keep.
              }
            });
    return kept;
  }

  @Override
  public String publish(DatabaseEndpoint endpoint) {
    Map<String, Object> secret = new LinkedHashMap<>();
    secret.put("engine", "postgres");
    secret.put("host", endpoint.host());
    secret.put("port", endpoint.port());
    secret.put("dbname", endpoint.database());
    if (endpoint.user() != null) {
      secret.put("username", endpoint.user());
      secret.put("password", endpoint.password());
    } else {
      // No application role to publish: the credentials the secret holds stay as they are.
      keptCredentials().forEach(secret::put);
    }
    try {
      secrets.write(
          secretId,
          Json.MAPPER
              .writer()
              .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(secret));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return "secret " + secretId;
  }
}
