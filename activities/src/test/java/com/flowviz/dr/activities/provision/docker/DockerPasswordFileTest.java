package com.flowviz.dr.activities.provision.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.process.ProcessFailedException;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.Provisioner.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The superuser's password reaches docker as a file only. This machine has the docker CLI but no
 * engine, so a stand-in {@code docker} (a real executable) records every invocation's arguments and
 * environment, and what {@code docker cp} was given: the test then looks for the password
 * everywhere docker could have exposed it ({@code ps}, {@code docker inspect}'s Config.Env, the
 * client's environment) and finds it only in the copied file. Runs in about a second.
 */
class DockerPasswordFileTest {

  private static final String PASSWORD = "s3cr3t-superuser-Pa55word";

  @TempDir Path dir;
  private Path fakeDocker;
  private Path calls;

  @BeforeEach
  void writeFakeDocker() throws Exception {
    calls = dir.resolve("calls");
    Files.createDirectories(calls);
    fakeDocker = dir.resolve("docker");
    // Each call: argv one per line in N.argv, the environment in N.env; for cp, the source file's
    // mode and content as docker saw them; "fail-<verb>" in the directory makes that verb fail.
    Files.writeString(
        fakeDocker,
        """
        #!/bin/sh
        dir=$(dirname "$0")
        n=$(ls "$dir/calls" | grep -c argv)
        for a in "$@"; do printf '%%s\\n' "$a"; done > "$dir/calls/$n.argv"
        env > "$dir/calls/$n.env"
        if [ -e "$dir/fail-$1" ]; then echo "Error response from daemon: $1 refused" >&2; exit 1; fi
        case "$1" in
          create) echo 4f1c2d3e ;;
          cp) stat -c %%a "$2" > "$dir/copied.mode"; cat "$2" > "$dir/copied.content"; echo "$2" > "$dir/copied.path" ;;
          start) echo "$2" ;;
          port) echo 127.0.0.1:49153 ;;
          rm) echo "$4" ;;
          inspect) cat "$dir/inspect" 2>/dev/null || { echo "Error: No such object: $6" >&2; exit 1; } ;;
        esac
        """
            .formatted());
    Files.setPosixFilePermissions(fakeDocker, PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void thePasswordIsACopiedFileAndInNoArgumentOrEnvironment() throws Exception {
    DockerProvisioner provisioner =
        new DockerProvisioner(
            fakeDocker.toString(), "postgres:17", "127.0.0.1", 0, Duration.ofSeconds(30));

    Endpoint endpoint = provisioner.create(new InstanceSpec("flowviz-db-p1", null), PASSWORD);

    assertEquals(
        new Endpoint("127.0.0.1", 49153, "admin", "docker container flowviz-db-p1 (postgres:17)"),
        endpoint);
    assertEquals(List.of("create", "cp", "start", "port"), verbs());
    List<String> create = argv(0);
    assertTrue(
        create.contains("POSTGRES_PASSWORD_FILE=" + DockerProvisioner.PASSWORD_FILE),
        create.toString());
    assertFalse(
        create.stream()
            .anyMatch(a -> a.startsWith("POSTGRES_PASSWORD=") || a.equals("POSTGRES_PASSWORD")),
        "the container's configuration (docker inspect Config.Env) names the file, not the"
            + " password: "
            + create);
    assertEquals(
        List.of(
            "cp",
            Files.readString(dir.resolve("copied.path")).strip(),
            "flowviz-db-p1:" + DockerProvisioner.PASSWORD_FILE),
        argv(1));
    for (int call = 0; call < verbs().size(); call++) {
      String argv = Files.readString(calls.resolve(call + ".argv"));
      String env = Files.readString(calls.resolve(call + ".env"));
      assertFalse(
          argv.contains(PASSWORD), "call " + call + "'s arguments hold the password: " + argv);
      assertFalse(env.contains(PASSWORD), "call " + call + "'s environment holds the password");
    }
    assertEquals(
        "600",
        Files.readString(dir.resolve("copied.mode")).strip(),
        "only the worker's user could read the file");
    assertEquals(
        PASSWORD,
        Files.readString(dir.resolve("copied.content")),
        "the file is the password, nothing added");
    Path copied = Path.of(Files.readString(dir.resolve("copied.path")).strip());
    assertFalse(Files.exists(copied), "the file was deleted once copied");
    assertFalse(Files.exists(copied.getParent()), "and its private directory too");
  }

  @Test
  void aFailedCopyRemovesTheContainerSoARetryCreatesItWholeAndTheFileIsGone() throws Exception {
    Files.createFile(dir.resolve("fail-cp"));
    DockerProvisioner provisioner =
        new DockerProvisioner(
            fakeDocker.toString(), "postgres:17", "127.0.0.1", 0, Duration.ofSeconds(30));

    assertThrows(
        ProcessFailedException.class,
        () -> provisioner.create(new InstanceSpec("flowviz-db-p2", null), PASSWORD));

    assertEquals(
        List.of("create", "cp", "rm"),
        verbs(),
        "no start of a container without its password file");
    assertEquals(List.of("rm", "--force", "--volumes", "flowviz-db-p2"), argv(2));
    Path copied = Path.of(argv(1).get(1));
    assertTrue(copied.getFileName().toString().equals("postgres-password"), copied.toString());
    assertFalse(Files.exists(copied.getParent()), "the password file is deleted on failure too");
  }

  @Test
  void aContainerLeftCreatedButNeverStartedIsRemovedSoTheRetryCreatesItWithItsPasswordFile()
      throws Exception {
    // What a worker killed between docker create and docker cp leaves behind: the container,
    // labelled as ours, in state "created", without its password file.
    Files.writeString(dir.resolve("inspect"), "created flowviz-db-p3\n");
    DockerProvisioner provisioner =
        new DockerProvisioner(
            fakeDocker.toString(), "postgres:17", "127.0.0.1", 0, Duration.ofSeconds(30));

    assertTrue(
        provisioner.find(new InstanceSpec("flowviz-db-p3", null)).isEmpty(),
        "a never-started container is not an instance to reuse");

    assertEquals(
        List.of("inspect", "rm"), verbs(), "removed, never started without its password file");
    assertEquals(List.of("rm", "--force", "--volumes", "flowviz-db-p3"), argv(1));
  }

  private List<String> verbs() throws Exception {
    try (var files = Files.list(calls)) {
      int count = (int) files.filter(f -> f.toString().endsWith(".argv")).count();
      List<String> verbs = new ArrayList<>();
      for (int call = 0; call < count; call++) {
        verbs.add(argv(call).get(0));
      }
      return verbs;
    }
  }

  private List<String> argv(int call) throws Exception {
    return Files.readAllLines(calls.resolve(call + ".argv"));
  }
}
