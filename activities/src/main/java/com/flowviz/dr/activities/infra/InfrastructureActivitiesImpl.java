package com.flowviz.dr.activities.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.ServerNames;
import com.flowviz.dr.activities.postgres.ServerRegistry;
import com.flowviz.dr.activities.provision.ProvisioningException;
import com.flowviz.dr.activities.provision.terraform.TerraformCli;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.workflows.FailureTypes;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A region's stack, as runbook 4.4 step 2 builds it: {@code terraform workspace select prod-dr},
 * {@code terraform apply -var="region=us-west-2"}. The configuration declares {@code region} and
 * {@code db_password} (sensitive; generated here once per workspace, kept in the secret store and
 * given in TF_VAR_db_password) and outputs {@code db_host}, {@code db_port}, {@code db_user}, plus
 * whatever the DNS change batch needs (e.g. {@code app_endpoint}).
 */
public class InfrastructureActivitiesImpl implements InfrastructureActivities {

  private static final Logger log = LoggerFactory.getLogger(InfrastructureActivitiesImpl.class);
  private final TerraformCli terraform;
  private final SecretStore secrets;
  private final Map<String, String> variables;
  private final ServerRegistry registry;

  /**
   * @param variables more {@code -var} values for every apply (not secrets)
   */
  public InfrastructureActivitiesImpl(
      TerraformCli terraform, SecretStore secrets, Map<String, String> variables) {
    this(terraform, secrets, variables, ServerRegistry.recordingIn(secrets));
  }

  /**
   * @param registry where an applied stack's database is recorded as "stack:&lt;workspace&gt;";
   *     null for none
   */
  public InfrastructureActivitiesImpl(
      TerraformCli terraform,
      SecretStore secrets,
      Map<String, String> variables,
      ServerRegistry registry) {
    this.terraform = terraform;
    this.secrets = secrets;
    this.variables = Map.copyOf(variables);
    this.registry = registry;
  }

  public static String passwordSecret(String workspace) {
    return ServerNames.stackSecret(workspace);
  }

  @Override
  public StackOutputs applyStack(StackSpec spec) {
    String secretName = passwordSecret(spec.workspace());
    String password =
        secrets
            .read(secretName)
            .orElseGet(
                () -> {
                  byte[] random = new byte[24];
                  new SecureRandom().nextBytes(random);
                  String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                  secrets.write(secretName, generated);
                  return generated;
                });
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("region", spec.region());
    vars.putAll(variables);
    try {
      Map<String, JsonNode> outputs =
          Heartbeats.keepAlive(
              "terraform apply " + spec.workspace(),
              () -> {
                terraform.init();
                terraform.ensureWorkspace(spec.workspace());
                terraform.apply(spec.workspace(), vars, Map.of("db_password", password));
                return terraform.outputs(spec.workspace());
              });
      for (String required : new String[] {"db_host", "db_port"}) {
        if (!outputs.containsKey(required)) {
          throw NonRetryable.failure(
              FailureTypes.CONFIGURATION,
              "The terraform stack in "
                  + terraform.configuration()
                  + " has no output "
                  + required
                  + "; it must output db_host, db_port"
                  + " and db_user for the restore.");
        }
      }
      Map<String, String> plain = new LinkedHashMap<>();
      outputs.forEach((k, v) -> plain.put(k, v.isValueNode() ? v.asText() : v.toString()));
      String name = ServerRegistry.stackName(spec.workspace());
      PgServer database =
          new PgServer(
              plain.get("db_host"),
              Integer.parseInt(plain.get("db_port")),
              plain.getOrDefault("db_user", "admin"),
              secretName,
              name);
      if (registry != null) {
        // The registry entry is the stack's ownership mark: only what the tool applied is reachable
        // by name.
        registry.record(
            new ServerRegistry.Entry(
                name, database.host(), database.port(), database.user(), secretName));
      }
      log.info(
          "Applied terraform workspace {} in {}: outputs {}",
          spec.workspace(),
          spec.region(),
          plain.keySet());
      return new StackOutputs(spec.workspace(), spec.region(), plain, database);
    } catch (ProvisioningException e) {
      throw NonRetryable.failure(FailureTypes.CONFIGURATION, e.getMessage());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
