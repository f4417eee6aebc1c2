package com.flowviz.dr.activities.provision.docker;

import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.process.ProcessFailedException;
import com.flowviz.dr.activities.provision.ForeignInstanceException;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.Provisioner;
import com.flowviz.dr.activities.provision.ProvisioningException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runbook 4.3 step 1 through the docker CLI:
 * {@code docker run -d --name ... -e POSTGRES_USER=admin -e POSTGRES_PASSWORD -p ... postgres:17}.
 * The password reaches the container from the docker client's environment ({@code -e NAME}
 * without a value), never from its command line. No POSTGRES_DB: the restore creates the
 * database, so a new instance has no empty one to be replaced. The label
 * {@code flowviz-dr.instance=<name>} is the ownership mark: a container without it is neither
 * reused nor removed.
 */
public final class DockerProvisioner implements Provisioner {

  static final String ADMIN = "admin";
  static final String LABEL = "flowviz-dr.instance";
  private final String docker;
  private final String image;
  private final String bindAddress;
  private final int hostPort;
  private final Duration timeout;

  /**
   * @param hostPort the host port to publish 5432 on; 0 lets Docker choose a free one
   */
  public DockerProvisioner(String docker, String image, String bindAddress, int hostPort, Duration timeout) {
    this.docker = docker;
    this.image = image;
    this.bindAddress = bindAddress;
    this.hostPort = hostPort;
    this.timeout = timeout;
  }

  @Override
  public String kind() {
    return "docker";
  }

  /** The exact {@code docker run} argument list: no secret in it. */
  public List<String> runCommand(String name) {
    List<String> command = new ArrayList<>(List.of(
        docker, "run", "--detach",
        "--name", name,
        "--label", LABEL + "=" + name,
        "--restart", "unless-stopped",
        "--env", "POSTGRES_USER=" + ADMIN,
        "--env", "POSTGRES_PASSWORD",
        "--publish", bindAddress + ":" + (hostPort == 0 ? "" : hostPort) + ":5432",
        image));
    return command;
  }

  @Override
  public Optional<Endpoint> find(InstanceSpec spec) {
    Optional<String> state = ownedState(spec);
    if (state.isEmpty()) {
      return Optional.empty();
    }
    if (!state.get().equals("running")) {
      docker(List.of(docker, "start", spec.name()), Map.of());
    }
    return Optional.of(endpoint(spec.name()));
  }

  /** The container's state, empty when there is none; refused when it lacks this tool's label. */
  private Optional<String> ownedState(InstanceSpec spec) {
    String inspected;
    try {
      inspected = docker(List.of(docker, "inspect", "--type", "container", "--format",
          "{{.State.Status}} {{index .Config.Labels \"" + LABEL + "\"}}", spec.name()), Map.of()).trim();
    } catch (ProcessFailedException e) {
      if (e.stderrTail().contains("No such object") || e.stderrTail().contains("No such container")) {
        return Optional.empty();
      }
      throw failure(e);
    }
    String[] parts = inspected.split(" ", 2);
    if (parts.length < 2 || !parts[1].trim().equals(spec.name())) {
      throw new ForeignInstanceException(spec.name(), "docker container without the label " + LABEL + "=" + spec.name());
    }
    return Optional.of(parts[0]);
  }

  @Override
  public Endpoint create(InstanceSpec spec, String adminPassword) {
    Map<String, String> environment = new HashMap<>();
    environment.put("POSTGRES_PASSWORD", adminPassword);
    try {
      docker(runCommand(spec.name()), environment);
    } catch (ProcessFailedException e) {
      throw failure(e);
    }
    return endpoint(spec.name());
  }

  @Override
  public boolean destroy(InstanceSpec spec, String adminPassword) {
    if (ownedState(spec).isEmpty()) {
      return false;
    }
    try {
      docker(List.of(docker, "rm", "--force", "--volumes", spec.name()), Map.of());
      return true;
    } catch (ProcessFailedException e) {
      if (e.stderrTail().contains("No such container")) {
        return false;
      }
      throw failure(e);
    }
  }

  private Endpoint endpoint(String name) {
    // "127.0.0.1:49153" (one line per published address)
    String mapping = docker(List.of(docker, "port", name, "5432/tcp"), Map.of()).lines().findFirst().orElse("").trim();
    int colon = mapping.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalStateException("docker port " + name + " printed no mapping for 5432/tcp: \"" + mapping + "\"");
    }
    String host = mapping.substring(0, colon);
    if (host.equals("0.0.0.0") || host.equals("[::]")) {
      host = "127.0.0.1";
    }
    return new Endpoint(host, Integer.parseInt(mapping.substring(colon + 1)), ADMIN, "docker container " + name + " (" + image + ")");
  }

  private String docker(List<String> command, Map<String, String> environment) {
    try {
      return ChildProcess.run(command, environment, timeout, null);
    } catch (ProcessFailedException e) {
      if (isEngineUnreachable(e.stderrTail())) {
        throw failure(e);
      }
      throw e;
    } catch (java.io.UncheckedIOException e) {
      throw new ProvisioningException(
          "The docker CLI (" + docker + ") cannot be run: " + e.getMessage() + ". Install Docker, or configure"
              + " flowviz.provision.kind as terraform or local.");
    }
  }

  private RuntimeException failure(ProcessFailedException e) {
    if (isEngineUnreachable(e.stderrTail())) {
      return new ProvisioningException(
          "No Docker engine answers (" + firstLine(e.stderrTail()) + "). Start the Docker daemon or point DOCKER_HOST at"
              + " one, or configure flowviz.provision.kind as terraform or local. Nothing was created.");
    }
    return e;
  }

  private static boolean isEngineUnreachable(String stderr) {
    return stderr.contains("Cannot connect to the Docker daemon") || stderr.contains("Is the docker daemon running")
        || stderr.contains("error during connect");
  }

  private static String firstLine(String text) {
    return text.strip().lines().findFirst().orElse("");
  }
}
