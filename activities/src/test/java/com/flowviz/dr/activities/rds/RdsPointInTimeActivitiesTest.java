package com.flowviz.dr.activities.rds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.managed.ManagedPointInTimeActivities;
import com.flowviz.dr.activities.managed.ManagedRestoreSpec;
import com.flowviz.dr.activities.managed.ManagedRestoreWindow;
import com.flowviz.dr.activities.managed.ManagedRestored;
import com.flowviz.dr.activities.managed.ManagedSource;
import com.flowviz.dr.activities.physical.RecoveryTarget;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.postgres.ServerRegistry;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * RDS and Aurora native point-in-time restore against moto's RDS, as far as moto goes: moto keeps
 * the control plane (identifiers, tags, status, endpoints, restorable times) and has no database
 * behind an endpoint, so nothing here connects to what it restores; the recovered data itself is
 * proven only by the self-managed path's tests.
 */
class RdsPointInTimeActivitiesTest {

  @TempDir Path dir;

  private final RdsClient rds = TestMoto.rds();
  private TestActivityEnvironment env;
  private ManagedPointInTimeActivities managed;
  private ServerRegistry registry;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    registry =
        new ServerRegistry(
            new PgConnectionSettings("flowviz-prod.example", 5432, "flowviz_admin", null, null),
            new LocalSecretStore(dir.resolve("secrets")),
            name -> Optional.empty());
    env.registerActivitiesImplementations(
        new RdsPointInTimeActivitiesImpl(region -> rds, registry, Duration.ofMillis(200)));
    managed = TestActivities.stub(env, ManagedPointInTimeActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private String sourceInstance(String name, String instanceClass) {
    String id = name + "-" + suffix;
    rds.createDBInstance(
        r ->
            r.dbInstanceIdentifier(id)
                .engine("postgres")
                .engineVersion("15.8")
                .dbInstanceClass(instanceClass)
                .allocatedStorage(20)
                .masterUsername("flowviz_admin")
                .masterUserPassword("not-used-by-the-test"));
    return id;
  }

  @Test
  void anRdsInstanceIsRestoredToLatestTaggedWithItsWorkflowAndARetryFindsItsOwnRestore()
      throws InterruptedException {
    String source = sourceInstance("flowviz-prod", "db.t3.medium");
    ManagedSource from =
        ManagedSource.builder().kind(ManagedSource.INSTANCE).identifier(source).build();
    ManagedRestoreWindow window = managed.restorableWindow(from);
    assertEquals("postgres", window.engine());
    assertTrue(window.latest() != null && window.earliest() != null, window.toString());

    ManagedRestoreSpec spec =
        ManagedRestoreSpec.builder()
            .source(from)
            .target("flowviz-pitr-" + suffix)
            .recoveryTarget(RecoveryTarget.latest())
            .build();
    ManagedRestored started = managed.startRestore(spec);
    assertFalse(started.alreadyExisted());
    DBInstance restored =
        rds.describeDBInstances(r -> r.dbInstanceIdentifier(spec.target())).dbInstances().get(0);
    assertEquals("db.t3.medium", restored.dbInstanceClass(), "the source's class");
    assertEquals(
        "workflow test-workflow-id",
        rds.listTagsForResource(r -> r.resourceName(restored.dbInstanceArn())).tagList().stream()
            .filter(t -> t.key().equals(RdsPointInTimeActivitiesImpl.OWNER_TAG))
            .findFirst()
            .orElseThrow()
            .value());

    // The worker died after the call: the retry finds the restore it started, and waits for it,
    // and reports the point the restore was made to, not the later "latest" of its own moment.
    Thread.sleep(1100); // the service's latest restorable time moves on
    ManagedRestored retried = managed.startRestore(spec);
    assertTrue(retried.alreadyExisted());
    assertEquals(started.restoredTo(), retried.restoredTo());
    assertTrue(
        managed.restorableWindow(from).latest().isAfter(started.restoredTo()),
        "the window moved on, so the equality above is the tag's, not a coincidence");
    ManagedRestored available = managed.awaitAvailable(spec);
    assertEquals("available", available.status());
    assertEquals(restored.endpoint().address(), available.host());
    assertEquals("instance:" + spec.target(), available.server().name());
    ServerRegistry.Entry entry = registry.resolve("instance:" + spec.target());
    assertEquals("flowviz_admin", entry.user(), "the copy keeps production's master user");
    assertEquals(null, entry.passwordSecret(), "production's own password");
    assertEquals(available.port(), entry.port());
  }

  @Test
  void aTimeOutsideTheRestorableWindowOrALsnIsRefusedAndNothingIsCreated() {
    String source = sourceInstance("flowviz-prod", "db.t3.medium");
    ManagedSource from =
        ManagedSource.builder().kind(ManagedSource.INSTANCE).identifier(source).build();
    ManagedRestoreWindow window = managed.restorableWindow(from);
    String target = "flowviz-early-" + suffix;
    ApplicationFailure early =
        refused(
            () ->
                managed.startRestore(
                    ManagedRestoreSpec.builder()
                        .source(from)
                        .target(target)
                        .recoveryTarget(
                            RecoveryTarget.at(window.earliest().minusSeconds(3600), true))
                        .build()));
    assertEquals(FailureTypes.INVALID_INPUT, early.getType());
    assertTrue(
        early.getOriginalMessage().contains("from " + window.earliest()),
        early.getOriginalMessage());
    ApplicationFailure lsn =
        refused(
            () ->
                managed.startRestore(
                    ManagedRestoreSpec.builder()
                        .source(from)
                        .target(target)
                        .recoveryTarget(RecoveryTarget.atLsn("0/3000060", true))
                        .build()));
    assertTrue(lsn.getOriginalMessage().contains("not to LSN 0/3000060"), lsn.getOriginalMessage());
    assertTrue(
        rds.describeDBInstances().dbInstances().stream()
            .noneMatch(i -> i.dbInstanceIdentifier().equals(target)),
        "nothing was created");
    String noBackups = "flowviz-nobackups-" + suffix;
    rds.createDBInstance(
        r ->
            r.dbInstanceIdentifier(noBackups)
                .engine("postgres")
                .dbInstanceClass("db.t3.micro")
                .allocatedStorage(20)
                .backupRetentionPeriod(0)
                .masterUsername("flowviz_admin")
                .masterUserPassword("not-used-by-the-test"));
    ApplicationFailure unprotected =
        refused(
            () ->
                managed.restorableWindow(
                    ManagedSource.builder()
                        .kind(ManagedSource.INSTANCE)
                        .identifier(noBackups)
                        .build()));
    assertTrue(
        unprotected.getOriginalMessage().contains("keeps no automated backups"),
        unprotected.getOriginalMessage());
    ApplicationFailure unknown =
        refused(
            () ->
                managed.restorableWindow(
                    ManagedSource.builder()
                        .kind(ManagedSource.INSTANCE)
                        .identifier("no-such-" + suffix)
                        .build()));
    assertTrue(
        unknown.getOriginalMessage().contains("There is no RDS instance no-such-"),
        unknown.getOriginalMessage());
  }

  @Test
  void aDatabaseOfThatNameNotRestoredByThisWorkflowIsNeitherReusedNorReplaced() {
    String source = sourceInstance("flowviz-prod", "db.t3.medium");
    String operators = sourceInstance("operators-own", "db.t3.micro");
    ApplicationFailure claimed =
        refused(
            () ->
                managed.startRestore(
                    ManagedRestoreSpec.builder()
                        .source(
                            ManagedSource.builder()
                                .kind(ManagedSource.INSTANCE)
                                .identifier(source)
                                .build())
                        .target(operators)
                        .recoveryTarget(RecoveryTarget.latest())
                        .build()));
    assertEquals(FailureTypes.INSTANCE_CLAIMED, claimed.getType());
    assertTrue(claimed.isNonRetryable());
    assertEquals(
        "db.t3.micro",
        rds.describeDBInstances(r -> r.dbInstanceIdentifier(operators))
            .dbInstances()
            .get(0)
            .dbInstanceClass(),
        "left as it was");
  }

  @Test
  void anAuroraClusterIsRestoredWithAWriterInstanceAndReachedThroughTheClusterEndpoint() {
    String cluster = "flowviz-aurora-" + suffix;
    rds.createDBCluster(
        r ->
            r.dbClusterIdentifier(cluster)
                .engine("aurora-postgresql")
                .engineVersion("15.4")
                .masterUsername("flowviz_admin")
                .masterUserPassword("not-used-by-the-test"));
    rds.createDBInstance(
        r ->
            r.dbInstanceIdentifier(cluster + "-writer")
                .dbClusterIdentifier(cluster)
                .engine("aurora-postgresql")
                .dbInstanceClass("db.r6g.large"));
    ManagedSource from =
        ManagedSource.builder().kind(ManagedSource.CLUSTER).identifier(cluster).build();
    // A second the service can restore to: its earliest restorable time (moto: the creation).
    Instant within = managed.restorableWindow(from).earliest();
    ManagedRestoreSpec spec =
        ManagedRestoreSpec.builder()
            .source(from)
            .target("flowviz-aurora-pitr-" + suffix)
            .recoveryTarget(RecoveryTarget.at(within, true))
            .build();

    ManagedRestored started = managed.startRestore(spec);
    ManagedRestored available = managed.awaitAvailable(spec);

    assertFalse(started.alreadyExisted());
    assertEquals(within, started.restoredTo());
    String endpoint =
        rds.describeDBClusters(r -> r.dbClusterIdentifier(spec.target()))
            .dbClusters()
            .get(0)
            .endpoint();
    assertEquals(endpoint, available.host(), "the cluster's writer endpoint");
    DBInstance writer =
        rds.describeDBInstances(
                r -> r.dbInstanceIdentifier(RdsPointInTimeActivitiesImpl.writerOf(spec.target())))
            .dbInstances()
            .get(0);
    assertEquals(spec.target(), writer.dbClusterIdentifier());
    assertEquals("db.r6g.large", writer.dbInstanceClass(), "the source writer's class");
    assertTrue(managed.startRestore(spec).alreadyExisted(), "a retry creates nothing more");
  }

  private static ApplicationFailure refused(Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    return (ApplicationFailure) failure.getCause();
  }
}
