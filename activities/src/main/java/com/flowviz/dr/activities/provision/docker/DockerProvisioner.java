package com.flowviz.dr.activities.provision.docker;

import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.process.ProcessFailedException;
import com.flowviz.dr.activities.provision.ForeignInstanceException;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.Provisioner;
import com.flowviz.dr.activities.provision.ProvisioningException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runbook 4.3 step 1 through the docker CLI: the runbook's {@code docker run -d --name ... -e
 * POSTGRES_USER=admin -e POSTGRES_PASSWORD -p ... postgres:17}, split into {@code docker create},
 * {@code docker cp} of the password file and {@code docker start}. The superuser's password reaches
 * the container only as a file the image reads through POSTGRES_PASSWORD_FILE: never on a command
 * line, never in the docker client's environment, and never in the container's configuration
 * ({@code docker inspect} shows the file's path, not the password). {@code docker cp} sends the
 * file through the docker API, so it also works with a remote DOCKER_HOST, where a bind mount would
 * name a path on the wrong machine. No POSTGRES_DB: the restore creates the database, so a new
 * instance has no empty one to be replaced. The label {@code flowviz-dr.instance=<name>} is the
 * ownership mark: a container without it is neither reused nor removed.
 */
public final class DockerProvisioner implements Provisioner {

  static final String ADMIN = "admin";

  /**
   * Where the image's entrypoint reads the superuser's password (root-only, 0600, in the
   * container).
   */
  static final String PASSWORD_FILE = "/run/flowviz-dr-postgres-password";

  static final String LABEL = "flowviz-dr.instance";
  private final String docker;
  private final String image;
  private final String bindAddress;
  private final int hostPort;
  private final Duration timeout;

  /**
   * @param hostPort the host port to publish 5432 on; 0 lets Docker choose a free one
   */
  public DockerProvisioner(
      String docker, String image, String bindAddress, int hostPort, Duration timeout) {
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

  /**
   * The exact {@code docker create} argument list: no secret in it, only the password file's path.
   */
  public List<String> runCommand(String name) {
    List<String> command =
        new ArrayList<>(
            List.of(
                docker,
                "create",
                "--name",
                name,
                "--label",
                LABEL + "=" + name,
                "--restart",
                "unless-stopped",
                "--env",
                "POSTGRES_USER=" + ADMIN,
                "--env",
                "POSTGRES_PASSWORD_FILE=" + PASSWORD_FILE,
                "--publish",
                bindAddress + ":" + (hostPort == 0 ? "" : hostPort) + ":5432",
                image));
    return command;
  }

  @Override
  public Optional<Endpoint> find(InstanceSpec spec) {
    Optional<String> state = ownedState(spec);
    if (state.isEmpty()) {
      return Optional.empty();
    }
    if (state.get().equals("created")) {
      // Never started: a worker stopped between docker create and docker start, so the password
      // file may be missing. It holds no data yet; remove it and let create() make it whole.
      docker(List.of(docker, "rm", "--force", "--volumes", spec.name()), Map.of());
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
      inspected =
          docker(
                  List.of(
                      docker,
                      "inspect",
                      "--type",
                      "container",
                      "--format",
                      "{{.State.Status}} {{index .Config.Labels \"" + LABEL + "\"}}",
                      spec.name()),
                  Map.of())
              .trim();
    } catch (ProcessFailedException e) {
      if (e.stderrTail().contains("No such object")
          || e.stderrTail().contains("No such container")) {
        return Optional.empty();
      }
      throw failure(e);
    }
    String[] parts = inspected.split(" ", 2);
    if (parts.length < 2 || !parts[1].trim().equals(spec.name())) {
      throw new ForeignInstanceException(
          spec.name(), "docker container without the label " + LABEL + "=" + spec.name());
    }
    return Optional.of(parts[0]);
  }

  @Override
  public Endpoint create(InstanceSpec spec, String adminPassword) {
    try {
      docker(runCommand(spec.name()), Map.of());
    } catch (ProcessFailedException e) {
      throw failure(e);
    }
    try {
      copyPasswordFile(spec.name(), adminPassword);
      docker(List.of(docker, "start", spec.name()), Map.of());
    } catch (RuntimeException e) {
      // A container left without its password file would be found, started and fail its first
      // start on a retry: remove it so the retry creates it whole.
      removeQuietly(spec.name(), e);
      throw e instanceof ProcessFailedException failed ? failure(failed) : e;
    }
    return endpoint(spec.name());
  }

  /**
   * Writes the password to a file only the worker's user can read, in a directory only it can
   * enter, copies it into the created container and deletes it whatever happens.
   */
  private void copyPasswordFile(String name, String adminPassword) {
    Path directory = null;
    Path file = null;
    try {
      directory =
          Files.createTempDirectory(
              "flowviz-dr-docker-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      file =
          Files.createFile(
              directory.resolve("postgres-password"),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, adminPassword);
      docker(List.of(docker, "cp", file.toString(), name + ":" + PASSWORD_FILE), Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the password file for docker container " + name + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(file);
      deleteQuietly(directory);
    }
  }

  private void removeQuietly(String name, RuntimeException cause) {
    try {
      docker(List.of(docker, "rm", "--force", "--volumes", name), Map.of());
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static void deleteQuietly(Path path) {
    if (path == null) {
      return;
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a 0700 temporary directory; nothing else can read what is left
    }
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
    String mapping =
        docker(List.of(docker, "port", name, "5432/tcp"), Map.of())
            .lines()
            .findFirst()
            .orElse("")
            .trim();
    int colon = mapping.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalStateException(
          "docker port " + name + " printed no mapping for 5432/tcp: \"" + mapping + "\"");
    }
    String host = mapping.substring(0, colon);
    if (host.equals("0.0.0.0") || host.equals("[::]")) {
      host = "127.0.0.1";
    }
    return new Endpoint(
        host,
        Integer.parseInt(mapping.substring(colon + 1)),
        ADMIN,
        "docker container " + name + " (" + image + ")");
  }

  private String docker(List<String> command, Map<String, String> environment) {
    try {
      return ChildProcess.run(command, environment, timeout, null);
    } catch (ProcessFailedException e) {
      if (isEngineUnreachable(e.stderrTail())) {
        throw failure(e);
      }
      throw e;
    } catch (UncheckedIOException e) {
      throw new ProvisioningException(
          "The docker CLI ("
              + docker
              + ") cannot be run: "
              + e.getMessage()
              + ". Install Docker, or configure"
              + " flowviz.provision.kind as terraform or local.");
    }
  }

  private RuntimeException failure(ProcessFailedException e) {
    if (isEngineUnreachable(e.stderrTail())) {
      return new ProvisioningException(
          "No Docker engine answers ("
              + firstLine(e.stderrTail())
              + "). Start the Docker daemon or point DOCKER_HOST at one, or configure"
              + " flowviz.provision.kind as terraform or local. Nothing was created.");
    }
    return e;
  }

  private static boolean isEngineUnreachable(String stderr) {
    return stderr.contains("Cannot connect to the Docker daemon")
        || stderr.contains("Is the docker daemon running")
        || stderr.contains("error during connect");
  }

  private static String firstLine(String text) {
    return text.strip().lines().findFirst().orElse("");
  }
}
