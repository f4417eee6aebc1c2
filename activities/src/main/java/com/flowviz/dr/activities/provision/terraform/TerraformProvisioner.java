package com.flowviz.dr.activities.provision.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.provision.ForeignInstanceException;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.Provisioner;
import com.flowviz.dr.activities.provision.ProvisioningException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * New instances (runbook 4.3) through the terraform CLI: init, workspace, apply with variables,
 * then {@code output -json} read back as the endpoint. The configuration declares the variables
 * {@code name}, {@code region} and {@code db_password} (sensitive, given in TF_VAR_db_password) and
 * the outputs {@code host}, {@code port}, {@code user} and {@code flowviz_dr_owned = true}, the
 * ownership mark: a workspace whose outputs lack it (made by someone else, or before the mark) is
 * neither reused nor destroyed.
 */
public final class TerraformProvisioner implements Provisioner {

  private final TerraformCli cli;
  private final String fixedWorkspace;
  private final Map<String, String> variables;

  /**
   * @param fixedWorkspace null for a workspace per instance (named after it)
   * @param variables more {@code -var} values (not secrets)
   */
  public TerraformProvisioner(
      String terraform,
      Path configuration,
      String fixedWorkspace,
      Map<String, String> variables,
      Duration timeout) {
    this.cli = new TerraformCli(terraform, configuration, timeout);
    this.fixedWorkspace = fixedWorkspace;
    this.variables = Map.copyOf(variables);
  }

  @Override
  public String kind() {
    return "terraform";
  }

  @Override
  public Optional<Endpoint> find(InstanceSpec spec) {
    cli.init();
    if (!cli.hasWorkspace(workspace(spec))) {
      return Optional.empty();
    }
    Map<String, JsonNode> outputs = cli.outputs(workspace(spec));
    requireMark(spec, outputs);
    return endpoint(spec, outputs);
  }

  @Override
  public Endpoint create(InstanceSpec spec, String adminPassword) {
    cli.init();
    cli.ensureWorkspace(workspace(spec));
    cli.apply(workspace(spec), variables(spec), Map.of("db_password", adminPassword));
    return endpoint(spec, cli.outputs(workspace(spec)))
        .orElseThrow(
            () ->
                new ProvisioningException(
                    "terraform apply in "
                        + cli.configuration()
                        + " succeeded but its outputs name no host and port; the configuration"
                        + " must output host, port and user."));
  }

  @Override
  public boolean destroy(InstanceSpec spec, String adminPassword) {
    cli.init();
    if (!cli.hasWorkspace(workspace(spec))) {
      return false;
    }
    requireMark(spec, cli.outputs(workspace(spec)));
    cli.destroy(workspace(spec), variables(spec), Map.of("db_password", adminPassword));
    if (fixedWorkspace == null) {
      cli.deleteWorkspace(workspace(spec));
    }
    return true;
  }

  /** The exact {@code apply}/{@code destroy} argument list. */
  public List<String> command(InstanceSpec spec, String verb) {
    return cli.command(verb, variables(spec));
  }

  private Map<String, String> variables(InstanceSpec spec) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("name", spec.name());
    if (spec.region() != null) {
      all.put("region", spec.region());
    }
    all.putAll(variables);
    return all;
  }

  private String workspace(InstanceSpec spec) {
    return fixedWorkspace != null ? fixedWorkspace : spec.name();
  }

  /**
   * A workspace with no outputs has nothing applied yet (an apply that failed half way): it is ours
   * to finish or remove.
   */
  private void requireMark(InstanceSpec spec, Map<String, JsonNode> outputs) {
    JsonNode mark = outputs.get("flowviz_dr_owned");
    if (!outputs.isEmpty() && (mark == null || !mark.asBoolean(false))) {
      throw new ForeignInstanceException(
          spec.name(),
          "terraform workspace " + workspace(spec) + " without the output flowviz_dr_owned = true");
    }
  }

  private Optional<Endpoint> endpoint(InstanceSpec spec, Map<String, JsonNode> outputs) {
    JsonNode host = outputs.get("host");
    JsonNode port = outputs.get("port");
    if (host == null || port == null || host.asText().isBlank()) {
      return Optional.empty();
    }
    String user = outputs.containsKey("user") ? outputs.get("user").asText() : "admin";
    return Optional.of(
        new Endpoint(
            host.asText(),
            port.asInt(),
            user,
            "terraform workspace " + workspace(spec) + " in " + cli.configuration()));
  }
}
