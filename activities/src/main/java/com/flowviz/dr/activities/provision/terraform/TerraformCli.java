package com.flowviz.dr.activities.provision.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.process.ProcessFailedException;
import com.flowviz.dr.activities.provision.ProvisioningException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The terraform CLI in one configuration directory. The workspace is chosen per process with
 * TF_WORKSPACE rather than {@code workspace select}, which writes the choice into the shared
 * .terraform directory: two runs in the same directory must not switch each other's workspace.
 * Secrets reach terraform as TF_VAR_ environment variables only.
 */
public final class TerraformCli {

  private final String terraform;
  private final Path configuration;
  private final Duration timeout;

  public TerraformCli(String terraform, Path configuration, Duration timeout) {
    this.terraform = terraform;
    this.configuration = configuration.toAbsolutePath();
    this.timeout = timeout;
  }

  public Path configuration() {
    return configuration;
  }

  public void init() {
    run(
        List.of(terraform, "-chdir=" + configuration, "init", "-input=false", "-no-color"),
        base(null),
        true);
  }

  public boolean hasWorkspace(String workspace) {
    String listed =
        run(
            List.of(terraform, "-chdir=" + configuration, "workspace", "list", "-no-color"),
            base(null),
            true);
    return listed.lines().map(l -> l.replace("*", "").trim()).anyMatch(workspace::equals);
  }

  /** Creates the workspace unless it exists. */
  public void ensureWorkspace(String workspace) {
    if (!hasWorkspace(workspace)) {
      run(
          List.of(terraform, "-chdir=" + configuration, "workspace", "new", "-no-color", workspace),
          base(null),
          true);
    }
  }

  public void deleteWorkspace(String workspace) {
    // A workspace cannot delete itself: delete it from the default one.
    run(
        List.of(
            terraform, "-chdir=" + configuration, "workspace", "delete", "-no-color", workspace),
        base("default"),
        true);
  }

  /** The exact argument list of apply or destroy: variables, never a secret. */
  public List<String> command(String verb, Map<String, String> variables) {
    List<String> command =
        new ArrayList<>(
            List.of(
                terraform,
                "-chdir=" + configuration,
                verb,
                "-auto-approve",
                "-input=false",
                "-no-color",
                "-lock-timeout=5m"));
    variables.forEach(
        (k, v) -> {
          command.add("-var");
          command.add(k + "=" + v);
        });
    return command;
  }

  public void apply(
      String workspace, Map<String, String> variables, Map<String, String> secretVariables) {
    run(command("apply", variables), withSecrets(workspace, secretVariables), false);
  }

  public void destroy(
      String workspace, Map<String, String> variables, Map<String, String> secretVariables) {
    run(command("destroy", variables), withSecrets(workspace, secretVariables), false);
  }

  /** {@code output -json}: name to value, sensitive outputs left out. */
  public Map<String, JsonNode> outputs(String workspace) {
    String json =
        run(
            List.of(terraform, "-chdir=" + configuration, "output", "-json", "-no-color"),
            base(workspace),
            true);
    try {
      JsonNode root = Json.MAPPER.readTree(json.isBlank() ? "{}" : json);
      Map<String, JsonNode> outputs = new LinkedHashMap<>();
      root.fields()
          .forEachRemaining(
              e -> {
                if (!e.getValue().path("sensitive").asBoolean(false)) {
                  outputs.put(e.getKey(), e.getValue().path("value"));
                }
              });
      return outputs;
    } catch (IOException e) {
      throw new ProvisioningException(
          "terraform output -json printed something that is not JSON: " + e.getMessage());
    }
  }

  private Map<String, String> withSecrets(String workspace, Map<String, String> secretVariables) {
    Map<String, String> environment = new HashMap<>(base(workspace));
    secretVariables.forEach((k, v) -> environment.put("TF_VAR_" + k, v));
    return environment;
  }

  private static Map<String, String> base(String workspace) {
    Map<String, String> environment =
        new HashMap<>(Map.of("TF_IN_AUTOMATION", "1", "TF_INPUT", "0", "CHECKPOINT_DISABLE", "1"));
    if (workspace != null) {
      environment.put("TF_WORKSPACE", workspace);
    }
    return environment;
  }

  /** The "Error:" paragraph of terraform's output, without its warnings. */
  static String errorLines(String stderr) {
    List<String> lines = stderr.strip().lines().toList();
    int first = 0;
    while (first < lines.size() && !lines.get(first).replace("│", "").trim().startsWith("Error")) {
      first++;
    }
    return String.join(
        " ",
        lines.subList(first, Math.min(lines.size(), first + 6)).stream()
            .map(l -> l.replace("│", "").replace("╵", "").replace("╷", "").trim())
            .filter(l -> !l.isEmpty())
            .toList());
  }

  private String run(List<String> command, Map<String, String> environment, boolean quick) {
    try {
      return ChildProcess.run(
          command,
          environment,
          quick ? Duration.ofMinutes(5) : timeout,
          () -> Heartbeats.beat("terraform " + command.get(2)));
    } catch (ProcessFailedException e) {
      String stderr = e.stderrTail();
      if (stderr.contains("Error acquiring the state lock")) {
        throw e; // another run holds the state: a retry waits its turn
      }
      if (stderr.contains("undeclared variable")
          || stderr.contains("No configuration files")
          || stderr.contains("Unsupported argument")
          || stderr.contains("Invalid")
          || stderr.contains("Missing required")) {
        throw new ProvisioningException(
            "The Terraform configuration in "
                + configuration
                + " does not fit: "
                + errorLines(stderr));
      }
      throw e;
    } catch (UncheckedIOException e) {
      throw new ProvisioningException(
          "The terraform CLI (" + terraform + ") cannot be run: " + e.getMessage());
    }
  }
}
