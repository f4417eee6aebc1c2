package com.flowviz.dr.activities.provision.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.process.ProcessFailedException;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.Provisioner;
import com.flowviz.dr.activities.provision.ProvisioningException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Instances through the terraform CLI, as runbook 4.4 does it: init, workspace, apply with
 * variables, then {@code output -json} read back as the endpoint. The configuration declares the
 * variables {@code name}, {@code region} and {@code db_password} (the last one sensitive, given in
 * TF_VAR_db_password, never on the command line) and the outputs {@code host}, {@code port} and
 * {@code user}.
 *
 * <p>The workspace is chosen per process with TF_WORKSPACE rather than {@code workspace select},
 * which writes the choice into the shared .terraform directory: two provisions in the same
 * configuration directory must not switch each other's workspace.
 */
public final class TerraformProvisioner implements Provisioner {

  private final String terraform;
  private final Path configuration;
  private final String fixedWorkspace;
  private final Map<String, String> variables;
  private final Duration timeout;

  /**
   * @param fixedWorkspace e.g. "prod-dr"; null for a workspace per instance (named after it)
   * @param variables more {@code -var} values (not secrets)
   */
  public TerraformProvisioner(String terraform, Path configuration, String fixedWorkspace, Map<String, String> variables, Duration timeout) {
    this.terraform = terraform;
    this.configuration = configuration.toAbsolutePath();
    this.fixedWorkspace = fixedWorkspace;
    this.variables = Map.copyOf(variables);
    this.timeout = timeout;
  }

  @Override
  public String kind() {
    return "terraform";
  }

  @Override
  public Optional<Endpoint> find(InstanceSpec spec) {
    init();
    if (!workspaces().contains(workspace(spec))) {
      return Optional.empty();
    }
    return endpoint(spec, outputs(spec));
  }

  @Override
  public Endpoint create(InstanceSpec spec, String adminPassword) {
    init();
    String workspace = workspace(spec);
    if (!workspaces().contains(workspace)) {
      run(List.of(terraform, "-chdir=" + configuration, "workspace", "new", "-no-color", workspace), base(), true);
    }
    run(command(spec, "apply"), environment(spec, adminPassword), false);
    return endpoint(spec, outputs(spec))
        .orElseThrow(() -> new ProvisioningException(
            "terraform apply in " + configuration + " succeeded but its outputs name no host and port; the configuration"
                + " must output host, port and user."));
  }

  @Override
  public boolean destroy(InstanceSpec spec, String adminPassword) {
    init();
    String workspace = workspace(spec);
    if (!workspaces().contains(workspace)) {
      return false;
    }
    run(command(spec, "destroy"), environment(spec, adminPassword), false);
    if (fixedWorkspace == null) {
      // A workspace cannot delete itself: delete it from the default one.
      Map<String, String> fromDefault = new HashMap<>(base());
      fromDefault.put("TF_WORKSPACE", "default");
      run(List.of(terraform, "-chdir=" + configuration, "workspace", "delete", "-no-color", workspace), fromDefault, true);
    }
    return true;
  }

  /** The exact {@code apply}/{@code destroy} argument list: variables, no secret. */
  public List<String> command(InstanceSpec spec, String verb) {
    List<String> command = new ArrayList<>(List.of(
        terraform, "-chdir=" + configuration, verb, "-auto-approve", "-input=false", "-no-color", "-lock-timeout=5m",
        "-var", "name=" + spec.name()));
    if (spec.region() != null) {
      command.add("-var");
      command.add("region=" + spec.region());
    }
    variables.forEach((k, v) -> {
      command.add("-var");
      command.add(k + "=" + v);
    });
    return command;
  }

  private Map<String, String> environment(InstanceSpec spec, String adminPassword) {
    Map<String, String> environment = new HashMap<>(base());
    environment.put("TF_WORKSPACE", workspace(spec));
    environment.put("TF_VAR_db_password", adminPassword);
    return environment;
  }

  private Map<String, String> base() {
    return Map.of("TF_IN_AUTOMATION", "1", "TF_INPUT", "0", "CHECKPOINT_DISABLE", "1");
  }

  private String workspace(InstanceSpec spec) {
    return fixedWorkspace != null ? fixedWorkspace : spec.name();
  }

  private void init() {
    run(List.of(terraform, "-chdir=" + configuration, "init", "-input=false", "-no-color"), base(), true);
  }

  private List<String> workspaces() {
    String listed = run(List.of(terraform, "-chdir=" + configuration, "workspace", "list", "-no-color"), base(), true);
    return listed.lines().map(l -> l.replace("*", "").trim()).filter(l -> !l.isEmpty()).toList();
  }

  private JsonNode outputs(InstanceSpec spec) {
    Map<String, String> environment = new HashMap<>(base());
    environment.put("TF_WORKSPACE", workspace(spec));
    String json = run(List.of(terraform, "-chdir=" + configuration, "output", "-json", "-no-color"), environment, true);
    try {
      return Json.MAPPER.readTree(json.isBlank() ? "{}" : json);
    } catch (IOException e) {
      throw new ProvisioningException("terraform output -json printed something that is not JSON: " + e.getMessage());
    }
  }

  private Optional<Endpoint> endpoint(InstanceSpec spec, JsonNode outputs) {
    JsonNode host = outputs.path("host").path("value");
    JsonNode port = outputs.path("port").path("value");
    if (host.isMissingNode() || port.isMissingNode() || host.asText().isBlank()) {
      return Optional.empty();
    }
    String user = outputs.path("user").path("value").asText("admin");
    return Optional.of(new Endpoint(host.asText(), port.asInt(), user,
        "terraform workspace " + workspace(spec) + " in " + configuration));
  }

  private String run(List<String> command, Map<String, String> environment, boolean quick) {
    try {
      return ChildProcess.run(command, environment, quick ? Duration.ofMinutes(5) : timeout, () -> Heartbeats.beat("terraform " + command.get(2)));
    } catch (ProcessFailedException e) {
      String stderr = e.stderrTail();
      if (stderr.contains("Error acquiring the state lock")) {
        throw e; // another run holds the state: a retry waits its turn
      }
      if (stderr.contains("undeclared variable") || stderr.contains("No configuration files") || stderr.contains("Unsupported argument")
          || stderr.contains("Invalid") || stderr.contains("Missing required")) {
        throw new ProvisioningException(
            "The Terraform configuration in " + configuration + " does not fit: " + stderr.strip().lines().filter(l -> l.startsWith("Error") || l.startsWith("│")).limit(4).toList()
                + ". It must declare the variables name, region and db_password and output host, port and user.");
      }
      throw e;
    } catch (java.io.UncheckedIOException e) {
      throw new ProvisioningException("The terraform CLI (" + terraform + ") cannot be run: " + e.getMessage());
    }
  }
}
