package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.IOException;

/**
 * How runbook 6.1's check logs in as the application: the application's role and the name of the
 * secret holding its password (the RDS shape {"username": ..., "password": ...} that a breach's
 * rotation writes, or the bare password). The password is read inside the activity, never carried.
 */
public record ApplicationLogin(String role, String secretId, SecretStore secrets) {

  public boolean configured() {
    return role != null && !role.isBlank();
  }

  /** The password, or null when no secret is named (a passfile or trust may let the role in). */
  public String password() {
    if (secretId == null || secretId.isBlank()) {
      return null;
    }
    String value =
        secrets
            .read(secretId)
            .orElseThrow(
                () ->
                    NonRetryable.failure(
                        FailureTypes.CONFIGURATION,
                        "The application role's secret "
                            + secretId
                            + " (flowviz.incident.application-secret-id) does not exist. Create it,"
                            + " or unset flowviz.incident.application-role to check as the worker's"
                            + " role."));
    if (value.stripLeading().startsWith("{")) {
      try {
        JsonNode password = Json.MAPPER.readTree(value).get("password");
        return password == null ? null : password.asText();
      } catch (IOException e) {
        // Not JSON after all: the whole value is the password.
      }
    }
    return value;
  }
}
