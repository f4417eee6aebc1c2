package com.flowviz.dr.activities.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.provision.terraform.TerraformCli;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TerraformConfigurations;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestPostgres;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runbook 4.4 step 2 with the real terraform binary: workspace prod-dr, {@code -var
 * region=us-west-2}, outputs read back. The configuration needs no provider: terraform_data starts
 * a local cluster.
 */
class RegionStackTest {

  @TempDir Path dir;
  private SecretStore secrets;
  private TerraformCli terraform;
  private TestActivityEnvironment env;
  private InfrastructureActivities infrastructure;

  @BeforeEach
  void setUp() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path configuration =
        TerraformConfigurations.copyTo(dir.resolve("terraform")).resolve("dr-stack");
    secrets = new LocalSecretStore(dir.resolve("secrets"));
    terraform =
        new TerraformCli(RequiredTools.find("terraform"), configuration, Duration.ofMinutes(5));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new InfrastructureActivitiesImpl(
            terraform, secrets, Map.of("state_dir", dir.resolve("stacks").toString())));
    infrastructure = TestActivities.stub(env, InfrastructureActivities.class);
  }

  @AfterEach
  void tearDown() {
    for (String workspace : new String[] {"prod-dr"}) {
      if (terraform.hasWorkspace(workspace)) {
        terraform.destroy(
            workspace,
            Map.of("region", "us-west-2", "state_dir", dir.resolve("stacks").toString()),
            Map.of(
                "db_password",
                secrets.read(InfrastructureActivitiesImpl.passwordSecret(workspace)).orElse("x")));
      }
    }
    env.close();
  }

  @Test
  void theProdDrWorkspaceIsAppliedWithTheRegionAndItsOutputsReadBack() throws Exception {
    StackOutputs stack = infrastructure.applyStack(new StackSpec("prod-dr", "us-west-2"));

    assertEquals("prod-dr", stack.workspace());
    assertEquals("api.us-west-2.flowviz.test", stack.outputs().get("app_endpoint"));
    assertEquals("us-west-2", stack.outputs().get("region"));
    assertTrue(terraform.hasWorkspace("prod-dr"));
    PgServer database = stack.database();
    assertEquals(InfrastructureActivitiesImpl.passwordSecret("prod-dr"), database.passwordSecret());
    try (Connection c = TestPostgres.servers(secrets).client(database).connect("postgres")) {
      assertTrue(c.isValid(5), "the stack's database takes the generated password");
    }
    assertEquals(
        stack,
        infrastructure.applyStack(new StackSpec("prod-dr", "us-west-2")),
        "applying again changes nothing");
    assertTrue(
        terraform
            .command("apply", Map.of("region", "us-west-2"))
            .containsAll(List.of("-var", "region=us-west-2")));
  }
}
