package com.flowviz.dr.activities.rds;

import com.flowviz.dr.activities.common.CallingWorkflow;
import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.managed.ManagedPointInTimeActivities;
import com.flowviz.dr.activities.managed.ManagedRestoreSpec;
import com.flowviz.dr.activities.managed.ManagedRestoreWindow;
import com.flowviz.dr.activities.managed.ManagedRestored;
import com.flowviz.dr.activities.managed.ManagedSource;
import com.flowviz.dr.activities.physical.RecoveryTarget;
import com.flowviz.dr.activities.postgres.ServerRegistry;
import com.flowviz.dr.workflows.FailureTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * RDS and Aurora point-in-time restore through AWS SDK v2: {@code RestoreDBInstanceToPointInTime},
 * or {@code RestoreDBClusterToPointInTime} plus a writer instance (an Aurora cluster restored alone
 * has nothing to connect to), then a wait until it is available.
 *
 * <p>Every restore is tagged {@code flowviz-dr:owner} with the workflow that asked, in the restore
 * call itself: a retry after a worker died finds its own restore and waits for it, a database of
 * that name that is not this workflow's (an operator's, another recovery's) is refused, never
 * reused or replaced.
 */
public final class RdsPointInTimeActivitiesImpl implements ManagedPointInTimeActivities {

  static final String OWNER_TAG = "flowviz-dr:owner";
  static final String SOURCE_TAG = "flowviz-dr:restored-from";

  /**
   * The point the restore was asked for ("latest" resolved to the service's latest restorable time
   * when it was asked): a retry reports that, not the later latest of its own moment.
   */
  static final String RESTORED_TO_TAG = "flowviz-dr:restored-to";

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]{0,62}");
  private static final Set<String> FAILED =
      Set.of(
          "failed",
          "incompatible-restore",
          "incompatible-parameters",
          "incompatible-network",
          "inaccessible-encryption-credentials",
          "storage-full");

  private final Function<String, RdsClient> clients;
  private final ServerRegistry registry;
  private final Duration poll;

  /**
   * @param clients the RDS client of a region (null: the worker's AWS_REGION)
   * @param poll how often the wait looks at the restore's status
   */
  public RdsPointInTimeActivitiesImpl(
      Function<String, RdsClient> clients, ServerRegistry registry, Duration poll) {
    this.clients = clients;
    this.registry = registry;
    this.poll = poll;
  }

  @Override
  public ManagedRestoreWindow restorableWindow(ManagedSource source) {
    requireValid(source);
    RdsClient rds = clients.apply(source.region());
    if (ManagedSource.CLUSTER.equals(source.kind())) {
      DBCluster cluster =
          cluster(rds, source.identifier())
              .orElseThrow(() -> notFound("Aurora cluster", source.identifier(), source.region()));
      String writerClass =
          cluster.dbClusterMembers().stream()
              .filter(m -> Boolean.TRUE.equals(m.isClusterWriter()))
              .findFirst()
              .flatMap(m -> instance(rds, m.dbInstanceIdentifier()))
              .map(DBInstance::dbInstanceClass)
              .orElse(null);
      return ManagedRestoreWindow.builder()
          .identifier(cluster.dbClusterIdentifier())
          .engine(cluster.engine())
          .engineVersion(cluster.engineVersion())
          .instanceClass(writerClass)
          .earliest(cluster.earliestRestorableTime())
          .latest(cluster.latestRestorableTime())
          .subnetGroup(cluster.dbSubnetGroup())
          .securityGroups(
              cluster.vpcSecurityGroups().stream()
                  .map(VpcSecurityGroupMembership::vpcSecurityGroupId)
                  .toList())
          .build();
    }
    DBInstance instance =
        instance(rds, source.identifier())
            .orElseThrow(() -> notFound("RDS instance", source.identifier(), source.region()));
    if (instance.dbClusterIdentifier() != null) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "RDS instance "
              + source.identifier()
              + " belongs to Aurora cluster "
              + instance.dbClusterIdentifier()
              + ": restore the cluster (kind \"cluster\"). Nothing was changed.");
    }
    return ManagedRestoreWindow.builder()
        .identifier(instance.dbInstanceIdentifier())
        .engine(instance.engine())
        .engineVersion(instance.engineVersion())
        .instanceClass(instance.dbInstanceClass())
        // RDS gives no earliest time per instance: its retention bounds it from below, and so does
        // its creation.
        .earliest(earliestFor(instance))
        .latest(instance.latestRestorableTime())
        .subnetGroup(
            instance.dbSubnetGroup() == null ? null : instance.dbSubnetGroup().dbSubnetGroupName())
        .securityGroups(
            instance.vpcSecurityGroups().stream()
                .map(VpcSecurityGroupMembership::vpcSecurityGroupId)
                .toList())
        .build();
  }

  @Override
  public ManagedRestored startRestore(ManagedRestoreSpec spec) {
    requireTarget(spec.target());
    ManagedRestoreWindow window = restorableWindow(spec.source());
    Instant time = restoreTime(spec, window);
    String owner = CallingWorkflow.owner();
    RdsClient rds = clients.apply(spec.source().region());
    Instant point = time == null ? window.latest() : time;
    List<Tag> tags =
        List.of(
            Tag.builder().key(OWNER_TAG).value(owner).build(),
            Tag.builder().key(SOURCE_TAG).value(spec.source().identifier()).build(),
            Tag.builder().key(RESTORED_TO_TAG).value(point.toString()).build());
    boolean cluster = ManagedSource.CLUSTER.equals(spec.source().kind());
    boolean existed;
    if (cluster) {
      existed = requireOursIfThere(clusterTags(rds, spec.target()), spec.target(), owner);
      if (!existed) {
        try {
          rds.restoreDBClusterToPointInTime(
              r -> {
                r.dbClusterIdentifier(spec.target())
                    .sourceDBClusterIdentifier(spec.source().identifier())
                    .tags(tags);
                if (window.subnetGroup() != null) {
                  r.dbSubnetGroupName(window.subnetGroup());
                }
                if (window.securityGroups() != null && !window.securityGroups().isEmpty()) {
                  r.vpcSecurityGroupIds(window.securityGroups());
                }
                if (time == null) {
                  r.useLatestRestorableTime(true);
                } else {
                  r.restoreToTime(time);
                }
              });
        } catch (DbClusterAlreadyExistsException raced) {
          existed = requireOursIfThere(clusterTags(rds, spec.target()), spec.target(), owner);
        }
      }
      String writer = writerOf(spec.target());
      if (requireOursIfThere(instanceTags(rds, writer), writer, owner) == false) {
        try {
          rds.createDBInstance(
              r ->
                  r.dbInstanceIdentifier(writer)
                      .dbClusterIdentifier(spec.target())
                      .engine(window.engine())
                      .dbInstanceClass(window.instanceClass())
                      .tags(tags));
        } catch (DbInstanceAlreadyExistsException raced) {
          requireOursIfThere(instanceTags(rds, writer), writer, owner);
        }
      }
    } else {
      existed = requireOursIfThere(instanceTags(rds, spec.target()), spec.target(), owner);
      if (!existed) {
        try {
          rds.restoreDBInstanceToPointInTime(
              r -> {
                r.sourceDBInstanceIdentifier(spec.source().identifier())
                    .targetDBInstanceIdentifier(spec.target())
                    .dbInstanceClass(window.instanceClass())
                    .tags(tags);
                if (window.subnetGroup() != null) {
                  r.dbSubnetGroupName(window.subnetGroup());
                }
                if (window.securityGroups() != null && !window.securityGroups().isEmpty()) {
                  r.vpcSecurityGroupIds(window.securityGroups());
                }
                if (time == null) {
                  r.useLatestRestorableTime(true);
                } else {
                  r.restoreTime(time);
                }
              });
        } catch (DbInstanceAlreadyExistsException raced) {
          existed = requireOursIfThere(instanceTags(rds, spec.target()), spec.target(), owner);
        }
      }
    }
    if (existed) {
      // A retry: the point is what the first attempt asked for, as it tagged the restore.
      point =
          (cluster ? clusterTags(rds, spec.target()) : instanceTags(rds, spec.target()))
              .flatMap(
                  t ->
                      t.stream()
                          .filter(tag -> RESTORED_TO_TAG.equals(tag.key()))
                          .map(tag -> Instant.parse(tag.value()))
                          .findFirst())
              .orElse(point);
    }
    return ManagedRestored.builder()
        .identifier(spec.target())
        .kind(spec.source().kind())
        .restoredTo(point)
        .alreadyExisted(existed)
        .status(status(rds, spec).orElse("creating"))
        .build();
  }

  @Override
  public ManagedRestored awaitAvailable(ManagedRestoreSpec spec) {
    requireTarget(spec.target());
    RdsClient rds = clients.apply(spec.source().region());
    var beat = Heartbeats.ofThisActivity();
    String connectTo =
        ManagedSource.CLUSTER.equals(spec.source().kind())
            ? writerOf(spec.target())
            : spec.target();
    while (true) {
      DBInstance instance =
          instance(rds, connectTo)
              .orElseThrow(
                  () ->
                      NonRetryable.failure(
                          FailureTypes.PG_RESTORE_FAILED,
                          "The restored database "
                              + connectTo
                              + " is gone (deleted while it was being created?). Start the"
                              + " recovery again."));
      String status = instance.dbInstanceStatus();
      if (FAILED.contains(status)) {
        throw NonRetryable.failure(
            FailureTypes.PG_RESTORE_FAILED,
            "The service's restore into "
                + connectTo
                + " ended as \""
                + status
                + "\": see its events in the RDS console. The source was not changed; delete "
                + connectTo
                + " and restore again.");
      }
      if ("available".equals(status) && instance.endpoint() != null) {
        String host = instance.endpoint().address();
        int port = instance.endpoint().port();
        if (ManagedSource.CLUSTER.equals(spec.source().kind())) {
          DBCluster cluster = cluster(rds, spec.target()).orElseThrow();
          host = cluster.endpoint();
          port = cluster.port();
        }
        // The copy keeps the source's master user and password: the source server's role.
        ServerRegistry.Entry source =
            registry.resolve(
                spec.sourceServer() == null ? ServerRegistry.PRODUCTION : spec.sourceServer());
        ServerRegistry.Entry entry =
            new ServerRegistry.Entry(
                ServerRegistry.instanceName(spec.target()),
                host,
                port,
                source.user(),
                source.passwordSecret());
        registry.recordRecovered(entry);
        return ManagedRestored.builder()
            .identifier(spec.target())
            .kind(spec.source().kind())
            .status(status)
            .host(host)
            .port(port)
            .server(entry.toServer())
            .build();
      }
      beat.accept(Map.of("identifier", connectTo, "status", status));
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static Instant earliestFor(DBInstance instance) {
    Integer retentionDays = instance.backupRetentionPeriod();
    if (retentionDays != null && retentionDays == 0) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "RDS instance "
              + instance.dbInstanceIdentifier()
              + " keeps no automated backups (backup retention 0 days): the service cannot restore"
              + " it to a point in time. Nothing was changed; restore the daily pg_dump (runbook"
              + " 4.1), and turn automated backups on.");
    }
    Instant created = instance.instanceCreateTime();
    Instant latest = instance.latestRestorableTime();
    if (retentionDays == null || latest == null) {
      return created;
    }
    Instant retained = latest.minus(Duration.ofDays(retentionDays));
    return created == null || retained.isAfter(created) ? retained : created;
  }

  private static Instant restoreTime(ManagedRestoreSpec spec, ManagedRestoreWindow window) {
    RecoveryTarget target = spec.recoveryTarget();
    if (target == null || RecoveryTarget.LATEST.equals(target.kind())) {
      return null;
    }
    if (!RecoveryTarget.TIME.equals(target.kind()) || target.time() == null) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "A managed database restores to a time or to its latest restorable time, not to "
              + target.describe()
              + ". Nothing was changed.");
    }
    Instant time = target.time();
    if ((window.earliest() != null && time.isBefore(window.earliest()))
        || (window.latest() != null && time.isAfter(window.latest()))) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "The recovery target "
              + time
              + " is outside what the service can restore "
              + window.identifier()
              + " to: from "
              + window.earliest()
              + " to "
              + window.latest()
              + ". Nothing was changed; choose a time within it, or latest.");
    }
    return time;
  }

  /**
   * False when there is nothing of that name; true when there is and this workflow made it; a
   * refusal when someone else did.
   */
  private static boolean requireOursIfThere(
      Optional<List<Tag>> tags, String identifier, String owner) {
    if (tags.isEmpty()) {
      return false;
    }
    String holder =
        tags.get().stream()
            .filter(t -> OWNER_TAG.equals(t.key()))
            .map(Tag::value)
            .findFirst()
            .orElse(null);
    if (!owner.equals(holder)) {
      throw NonRetryable.failure(
          FailureTypes.INSTANCE_CLAIMED,
          "A database named "
              + identifier
              + " already exists"
              + (holder == null ? ", not made by flowviz-dr" : ", restored by " + holder)
              + ": it is neither reused nor replaced, and nothing was changed. Choose another"
              + " instance name.");
    }
    return true;
  }

  private static Optional<List<Tag>> instanceTags(RdsClient rds, String identifier) {
    return instance(rds, identifier)
        .map(
            i ->
                i.tagList().isEmpty()
                    ? rds.listTagsForResource(r -> r.resourceName(i.dbInstanceArn())).tagList()
                    : i.tagList());
  }

  private static Optional<List<Tag>> clusterTags(RdsClient rds, String identifier) {
    return cluster(rds, identifier)
        .map(
            c ->
                c.tagList().isEmpty()
                    ? rds.listTagsForResource(r -> r.resourceName(c.dbClusterArn())).tagList()
                    : c.tagList());
  }

  private static Optional<String> status(RdsClient rds, ManagedRestoreSpec spec) {
    String id =
        ManagedSource.CLUSTER.equals(spec.source().kind())
            ? writerOf(spec.target())
            : spec.target();
    return instance(rds, id).map(DBInstance::dbInstanceStatus);
  }

  private static Optional<DBInstance> instance(RdsClient rds, String identifier) {
    try {
      return rds.describeDBInstances(r -> r.dbInstanceIdentifier(identifier)).dbInstances().stream()
          .findFirst();
    } catch (DbInstanceNotFoundException e) {
      return Optional.empty();
    }
  }

  private static Optional<DBCluster> cluster(RdsClient rds, String identifier) {
    try {
      return rds.describeDBClusters(r -> r.dbClusterIdentifier(identifier)).dbClusters().stream()
          .findFirst();
    } catch (DbClusterNotFoundException e) {
      return Optional.empty();
    }
  }

  static String writerOf(String cluster) {
    return cluster + "-1";
  }

  private static RuntimeException notFound(String what, String identifier, String region) {
    return NonRetryable.failure(
        FailureTypes.INVALID_INPUT,
        "There is no "
            + what
            + " "
            + identifier
            + (region == null ? "" : " in " + region)
            + " (or this worker's AWS role may not describe it). Nothing was changed; name the"
            + " production database as the service names it.");
  }

  private static void requireValid(ManagedSource source) {
    if (source == null
        || !(ManagedSource.INSTANCE.equals(source.kind())
            || ManagedSource.CLUSTER.equals(source.kind()))) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "A managed source has kind \"instance\" (RDS) or \"cluster\" (Aurora).");
    }
    requireTarget(source.identifier());
  }

  private static void requireTarget(String identifier) {
    if (identifier == null
        || !IDENTIFIER.matcher(identifier).matches()
        || identifier.endsWith("-")
        || identifier.contains("--")) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "\""
              + identifier
              + "\" is not an RDS identifier: a letter, then letters, digits and single hyphens, up"
              + " to 63 characters.");
    }
  }
}
