package com.flowviz.dr.activities.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.provision.docker.DockerProvisioner;
import com.flowviz.dr.activities.provision.local.LocalProvisioner;
import com.flowviz.dr.activities.provision.terraform.TerraformProvisioner;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three provisioners of runbook 4.3 step 1, for real where this machine allows it. */
class ProvisionersTest {

  @TempDir Path dir;
  private SecretStore secrets;
  private TestActivityEnvironment env;

  @BeforeEach
  void setUp() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    secrets = new LocalSecretStore(dir.resolve("secrets"));
    env = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aLocalInstanceIsMadeOnceReusedByARetryAndTornDown() throws Exception {
    ProvisionActivities provisioning =
        activities(new LocalProvisioner(dir.resolve("instances"), PgBinaries.locate(null)));
    InstanceSpec spec = new InstanceSpec("flowviz-db-local1", null);

    ProvisionedInstance first = provisioning.provisionInstance(spec);
    ProvisionedInstance again = provisioning.provisionInstance(spec);

    assertFalse(first.reused());
    assertTrue(again.reused(), "the retry found the instance the first attempt made");
    assertEquals(first.server(), again.server());
    assertEquals("local", first.provisioner());
    assertEquals(
        List.of("1"), query(first.server()), "the admin password from the secret store opens it");
    assertEquals(
        List.of("off"),
        query(first.server(), "SHOW archive_mode"),
        "a scratch instance does not archive its WAL unless asked");
    assertEquals(
        List.of("configuration file"),
        query(first.server(), "SELECT source FROM pg_settings WHERE name = 'archive_mode'"),
        "said explicitly, not left to the default");

    assertTrue(provisioning.teardownInstance(spec));
    assertFalse(Files.exists(dir.resolve("instances/flowviz-db-local1")));
    assertTrue(secrets.read(first.server().passwordSecret()).isEmpty());
    assertFalse(provisioning.teardownInstance(spec), "tearing down twice is harmless");
  }

  @Test
  void aTerraformInstanceGoesThroughInitWorkspaceApplyAndOutput() throws Exception {
    String terraform = RequiredTools.find("terraform");
    Path configuration = copyTerraformConfiguration();
    TerraformProvisioner provisioner =
        new TerraformProvisioner(
            terraform,
            configuration,
            null,
            Map.of("state_dir", dir.resolve("tf-instances").toString()),
            Duration.ofMinutes(5));
    ProvisionActivities provisioning = activities(provisioner);
    InstanceSpec spec = new InstanceSpec("flowviz-db-tf1", "us-west-2");

    ProvisionedInstance made = provisioning.provisionInstance(spec);

    assertEquals("terraform", made.provisioner());
    assertEquals("127.0.0.1", made.server().host());
    assertTrue(made.details().contains("workspace flowviz-db-tf1"), made.details());
    assertEquals(List.of("1"), query(made.server()));
    assertTrue(provisioning.provisionInstance(spec).reused());
    assertTrue(
        provisioner
            .command(spec, "apply")
            .containsAll(List.of("-var", "name=flowviz-db-tf1", "region=us-west-2")));
    assertTrue(
        provisioner.command(spec, "apply").stream()
            .noneMatch(a -> a.contains(secrets.read(made.server().passwordSecret()).orElseThrow())),
        "the password is not an argument");

    assertTrue(provisioning.teardownInstance(spec));
    try (Stream<Path> left = Files.list(dir.resolve("tf-instances"))) {
      assertEquals(0, left.count(), "the destroy-time provisioner removed the cluster");
    }
    assertFalse(provisioner.find(spec).isPresent(), "the workspace is gone");
  }

  @Test
  void theDockerRunCommandIsTheRunbooksWithoutThePassword() {
    DockerProvisioner docker =
        new DockerProvisioner("docker", "postgres:17", "127.0.0.1", 5433, Duration.ofMinutes(1));
    assertEquals(
        List.of(
            "docker",
            "create",
            "--name",
            "flowviz-db-x1",
            "--label",
            "flowviz-dr.instance=flowviz-db-x1",
            "--restart",
            "unless-stopped",
            "--env",
            "POSTGRES_USER=admin",
            "--env",
            "POSTGRES_PASSWORD_FILE=/run/flowviz-dr-postgres-password",
            "--publish",
            "127.0.0.1:5433:5432",
            "postgres:17"),
        docker.runCommand("flowviz-db-x1"));
  }

  @Test
  void withoutADockerEngineTheDockerProvisionerFailsAtOnceAndSaysWhy() {
    String dockerCli = RequiredTools.find("docker");
    ProvisionActivities provisioning =
        activities(
            new DockerProvisioner(dockerCli, "postgres:17", "127.0.0.1", 0, Duration.ofMinutes(1)));
    long started = System.nanoTime();
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () -> provisioning.provisionInstance(new InstanceSpec("flowviz-db-d1", null)));
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.CONFIGURATION, cause.getType());
    assertTrue(cause.isNonRetryable());
    assertTrue(
        cause.getOriginalMessage().contains("No Docker engine answers"),
        cause.getOriginalMessage());
    assertTrue(System.nanoTime() - started < Duration.ofMinutes(1).toNanos(), "it did not hang");
  }

  private ProvisionActivities activities(Provisioner provisioner) {
    env.registerActivitiesImplementations(new ProvisionActivitiesImpl(provisioner, secrets));
    return TestActivities.stub(env, ProvisionActivities.class);
  }

  private List<String> query(PgServer server) throws Exception {
    return query(server, "SELECT 1");
  }

  private List<String> query(PgServer server, String sql) throws Exception {
    try (Connection c = TestPostgres.servers(secrets).client(server).connect("postgres");
        var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return List.of(rs.getString(1));
    }
  }

  private Path copyTerraformConfiguration() throws Exception {
    Path source =
        Path.of(getClass().getResource("/terraform/local-instance/main.tf").toURI()).getParent();
    Path target = dir.resolve("terraform");
    Files.createDirectories(target);
    for (String file : List.of("main.tf", "start-cluster.sh", "stop-cluster.sh")) {
      Files.copy(source.resolve(file), target.resolve(file));
      target.resolve(file).toFile().setExecutable(true);
    }
    return target;
  }
}
