package com.flowviz.dr.worker;

import com.flowviz.dr.activities.app.ApplicationActivitiesImpl;
import com.flowviz.dr.activities.app.EndpointPublisher;
import com.flowviz.dr.activities.app.EnvFilePublisher;
import com.flowviz.dr.activities.app.PublishedEndpoints;
import com.flowviz.dr.activities.app.SecretPublisher;
import com.flowviz.dr.activities.audit.AuditActivitiesImpl;
import com.flowviz.dr.activities.audit.AuditCopy;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.audit.S3AuditCopy;
import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.backup.BackupActivitiesImpl;
import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivitiesImpl;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.FilePrivateKeySource;
import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.crypto.SecretsManagerPrivateKeySource;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.dns.DnsActivitiesImpl;
import com.flowviz.dr.activities.drill.DrillActivitiesImpl;
import com.flowviz.dr.activities.incident.IncidentActivitiesImpl;
import com.flowviz.dr.activities.infra.InfrastructureActivitiesImpl;
import com.flowviz.dr.activities.lease.LeaseActivitiesImpl;
import com.flowviz.dr.activities.lease.TemporalWorkflows;
import com.flowviz.dr.activities.notify.NotificationChannel;
import com.flowviz.dr.activities.notify.NotifyActivitiesImpl;
import com.flowviz.dr.activities.notify.SnsChannel;
import com.flowviz.dr.activities.notify.WebhookChannel;
import com.flowviz.dr.activities.physical.BaseBackupCompression;
import com.flowviz.dr.activities.physical.basebackup.BaseBackupActivitiesImpl;
import com.flowviz.dr.activities.physical.exposure.ArchiveContentsReader;
import com.flowviz.dr.activities.physical.exposure.WalExposureActivitiesImpl;
import com.flowviz.dr.activities.physical.pitr.PointInTimeActivitiesImpl;
import com.flowviz.dr.activities.physical.retention.ArchiveRetention;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.postgres.PostgresActivitiesImpl;
import com.flowviz.dr.activities.postgres.ServerRegistry;
import com.flowviz.dr.activities.provision.ProvisionActivitiesImpl;
import com.flowviz.dr.activities.provision.Provisioner;
import com.flowviz.dr.activities.provision.docker.DockerProvisioner;
import com.flowviz.dr.activities.provision.local.LocalProvisioner;
import com.flowviz.dr.activities.provision.terraform.TerraformCli;
import com.flowviz.dr.activities.provision.terraform.TerraformProvisioner;
import com.flowviz.dr.activities.rds.RdsPointInTimeActivitiesImpl;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.activities.secrets.SecretsManagerSecretStore;
import com.flowviz.dr.activities.storage.ArchiveActivitiesImpl;
import com.flowviz.dr.activities.storage.BackupStorageActivitiesImpl;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.BackupStores;
import com.flowviz.dr.activities.storage.LocalDirectoryBackupStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.verify.ApplicationLogin;
import com.flowviz.dr.activities.verify.ApplicationRoleAccess;
import com.flowviz.dr.activities.verify.HealthUrlRules;
import com.flowviz.dr.activities.verify.VerificationActivitiesImpl;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.activities.workhost.WorkHostActivitiesImpl;
import com.flowviz.dr.worker.config.ApplicationSettings;
import com.flowviz.dr.worker.config.AuditSettings;
import com.flowviz.dr.worker.config.BaseBackupSettings;
import com.flowviz.dr.worker.config.FailoverSettings;
import com.flowviz.dr.worker.config.GpgSettings;
import com.flowviz.dr.worker.config.IncidentSettings;
import com.flowviz.dr.worker.config.NotifySettings;
import com.flowviz.dr.worker.config.PostgresSettings;
import com.flowviz.dr.worker.config.ProvisionSettings;
import com.flowviz.dr.worker.config.SecretsSettings;
import com.flowviz.dr.worker.config.StorageSettings;
import com.flowviz.dr.worker.config.VerificationSettings;
import com.flowviz.dr.worker.config.WorkerSettings;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Factory;
import io.temporal.client.WorkflowClient;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The activity implementations, wired from configuration; the worker registers every bean marked
 * {@link RegisteredActivities}.
 */
@Factory
public class ActivitiesFactory {

  private static final Logger log = LoggerFactory.getLogger(ActivitiesFactory.class);

  @Singleton
  WorkHostName workHostName(WorkerSettings settings) {
    if (settings.hostName() != null && !settings.hostName().isBlank()) {
      return new WorkHostName(settings.hostName());
    }
    String fromEnv = System.getenv("HOSTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new WorkHostName(fromEnv);
    }
    try {
      return new WorkHostName(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      return new WorkHostName("localhost");
    }
  }

  @Singleton
  WorkDirectory workDirectory(WorkerSettings settings) {
    String dir = settings.workDirectory();
    return new WorkDirectory(
        dir != null && !dir.isBlank()
            ? Path.of(dir)
            : Path.of(System.getProperty("java.io.tmpdir"), "flowviz-dr-work"));
  }

  @Singleton
  PgClient pgClient(PostgresSettings settings) {
    PgConnectionSettings fromEnv = PgConnectionSettings.fromEnvironment(System.getenv());
    return new PgClient(
        new PgConnectionSettings(
            settings.host() != null ? settings.host() : fromEnv.host(),
            settings.port() != null ? settings.port() : fromEnv.port(),
            settings.user() != null ? settings.user() : fromEnv.user(),
            settings.passfile() != null ? null : System.getenv("PGPASSWORD"),
            settings.passfile() != null
                ? Path.of(settings.passfile())
                : fromEnv.passFile().orElse(null)));
  }

  @Singleton
  SecretStore secretStore(SecretsSettings settings, BeanProvider<SecretsManagerClient> secrets) {
    if ("local".equalsIgnoreCase(settings.backend())) {
      if (settings.localDirectory() == null) {
        throw new IllegalStateException(
            "flowviz.secrets.backend is local but flowviz.secrets.local-directory is not set");
      }
      return new LocalSecretStore(Path.of(settings.localDirectory()));
    }
    return new SecretsManagerSecretStore(secrets.get());
  }

  @Singleton
  PgServers pgServers(PgClient pg, SecretStore secrets, ServerRegistry registry) {
    return new PgServers(pg, secrets, registry);
  }

  /**
   * The servers workflow inputs may name; see ServerRegistry for why it is kept with the secrets.
   */
  @Singleton
  ServerRegistry serverRegistry(
      PgClient pg, SecretStore secrets, BeanProvider<Provisioner> provisioner) {
    return new ServerRegistry(
        pg.settings(),
        secrets,
        name -> ProvisionActivitiesImpl.ownedInstance(provisioner.get(), name));
  }

  @Singleton
  PublishedEndpoints publishedEndpoints(ApplicationSettings application, SecretStore secrets) {
    return new PublishedEndpoints(
        application.envFile() == null ? null : Path.of(application.envFile()),
        secrets,
        application.secretId());
  }

  @Singleton
  Provisioner provisioner(ProvisionSettings settings, PgBinaries binaries) {
    return switch (settings.kind().toLowerCase(Locale.ROOT)) {
      case "local" -> new LocalProvisioner(localRoot(settings), binaries);
      case "docker" ->
          new DockerProvisioner(
              settings.dockerBinary(),
              settings.dockerImage(),
              settings.dockerBindAddress(),
              settings.dockerHostPort(),
              settings.timeout());
      case "terraform" -> {
        if (settings.terraformConfiguration() == null) {
          throw new IllegalStateException(
              "flowviz.provision.kind is terraform but flowviz.provision.terraform-configuration is"
                  + " not set");
        }
        yield new TerraformProvisioner(
            settings.terraformBinary(),
            Path.of(settings.terraformConfiguration()),
            settings.terraformWorkspace(),
            variables(settings.terraformVariables()),
            settings.timeout());
      }
      default ->
          throw new IllegalStateException(
              "flowviz.provision.kind must be docker, terraform or local, not " + settings.kind());
    };
  }

  @Singleton
  @RegisteredActivities
  ProvisionActivitiesImpl provisionActivities(
      Provisioner provisioner,
      SecretStore secrets,
      ServerRegistry registry,
      PublishedEndpoints published) {
    return new ProvisionActivitiesImpl(provisioner, secrets, registry, published);
  }

  @Singleton
  PgBinaries pgBinaries(PostgresSettings settings) {
    return PgBinaries.locate(settings.binDir());
  }

  @Singleton
  BackupStores backupStores(BackupStore store, StorageSettings settings) {
    if (!(store instanceof S3BackupStore)) {
      return BackupStores.single(store);
    }
    // The DR bucket lives in another region: a client of that region, through that region's
    // endpoint, reads it.
    var endpoints = settings.endpoints();
    return new BackupStores(
        store,
        region ->
            new S3BackupStore(
                AwsClients.s3(region, endpoints.forRegion(region)),
                settings.partSizeMib() * 1024 * 1024));
  }

  @Singleton
  @RegisteredActivities
  DnsActivitiesImpl dnsActivities(FailoverSettings settings, BeanProvider<Route53Client> route53) {
    return new DnsActivitiesImpl(
        route53.get(), Path.of(settings.changeBatchDirectory()), settings.hostedZoneId());
  }

  @Singleton
  @RegisteredActivities
  InfrastructureActivitiesImpl infrastructureActivities(
      FailoverSettings settings, SecretStore secrets, ServerRegistry registry) {
    Path configuration =
        settings.terraformConfiguration() == null
            ? Path.of("(flowviz.failover.terraform-configuration is not set)")
            : Path.of(settings.terraformConfiguration());
    return new InfrastructureActivitiesImpl(
        new TerraformCli(settings.terraformBinary(), configuration, settings.terraformTimeout()),
        secrets,
        variables(settings.terraformVariables()),
        registry);
  }

  /** "name=value" entries as terraform variables. */
  static Map<String, String> variables(List<String> entries) {
    Map<String, String> variables = new LinkedHashMap<>();
    if (entries != null) {
      for (String entry : entries) {
        int equals = entry.indexOf('=');
        if (equals <= 0) {
          throw new IllegalStateException(
              "A terraform variable must be written name=value, not \"" + entry + "\"");
        }
        variables.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
      }
    }
    return variables;
  }

  @Singleton
  BackupStore backupStore(StorageSettings settings, BeanProvider<S3Client> s3) {
    if ("local".equalsIgnoreCase(settings.backend())) {
      if (settings.localDirectory() == null) {
        throw new IllegalStateException(
            "flowviz.storage.backend is local but flowviz.storage.local-directory is not set");
      }
      return new LocalDirectoryBackupStore(Path.of(settings.localDirectory()));
    }
    if (!"s3".equalsIgnoreCase(settings.backend())) {
      throw new IllegalStateException(
          "flowviz.storage.backend must be s3 or local, not " + settings.backend());
    }
    return new S3BackupStore(s3.get(), settings.partSizeMib() * 1024 * 1024);
  }

  @Singleton
  PrivateKeySource privateKeySource(GpgSettings gpg, BeanProvider<SecretsManagerClient> secrets) {
    if (gpg.keyFile() != null && !gpg.keyFile().isBlank()) {
      return new FilePrivateKeySource(
          Path.of(gpg.keyFile()),
          gpg.passphraseFile() == null ? null : Path.of(gpg.passphraseFile()));
    }
    return new SecretsManagerPrivateKeySource(
        secrets.get(), gpg.keySecretId(), gpg.passphraseSecretId());
  }

  @Singleton
  @RegisteredActivities(alsoOnHostQueue = true)
  BackupStorageActivitiesImpl storageActivities(
      BackupStores stores, WorkDirectory workDirectory, StorageSettings settings) {
    return new BackupStorageActivitiesImpl(stores, workDirectory, settings.keyTimeSkew());
  }

  @Singleton
  @RegisteredActivities
  ArchiveActivitiesImpl archiveActivities(BackupStore store) {
    return new ArchiveActivitiesImpl(store);
  }

  @Singleton
  @RegisteredActivities(alsoOnHostQueue = true)
  BackupDecryptionActivitiesImpl decryptionActivities(
      PrivateKeySource keys,
      WorkDirectory workDirectory,
      BackupStores stores,
      GpgSettings gpg,
      BeanProvider<SecretStore> secrets) {
    return new BackupDecryptionActivitiesImpl(
        keys, workDirectory, stores, trustedSigners(gpg, secrets::get));
  }

  /** The keys whose signatures restores, WAL replay and retention accept (flowviz.gpg.*). */
  private static TrustedSigners trustedSigners(GpgSettings gpg, Supplier<SecretStore> secrets) {
    return new TrustedSigners(
        pathOrNull(gpg.signerPublicKeyFile()),
        pathOrNull(gpg.trustedSignersFile()),
        gpg.trustedSignersSecretId(),
        secrets);
  }

  private static Path pathOrNull(String path) {
    return path == null || path.isBlank() ? null : Path.of(path);
  }

  @Singleton
  @RegisteredActivities(alsoOnHostQueue = true)
  PostgresActivitiesImpl postgresActivities(
      PgServers pg,
      PgBinaries binaries,
      WorkDirectory workDirectory,
      PostgresSettings settings,
      TemporalWorkflows workflows,
      IncidentSettings incident,
      ApplicationSettings application,
      SecretStore secrets) {
    return new PostgresActivitiesImpl(
        pg,
        binaries,
        workDirectory,
        settings.restoreJobs(),
        settings.extensions(),
        Set.of(settings.auditDatabase()),
        workflows,
        applicationLogin(incident, application, secrets));
  }

  /**
   * The application's own role and the secret with its password; null when no role is configured.
   */
  static ApplicationLogin applicationLogin(
      IncidentSettings incident, ApplicationSettings application, SecretStore secrets) {
    if (incident.applicationRole() == null || incident.applicationRole().isBlank()) {
      return null;
    }
    String secretId =
        incident.applicationSecretId() != null
            ? incident.applicationSecretId()
            : application.secretId();
    return new ApplicationLogin(incident.applicationRole(), secretId, secrets);
  }

  @Singleton
  TemporalWorkflows temporalWorkflows(WorkflowClient client) {
    return new TemporalWorkflows(client);
  }

  @Singleton
  @RegisteredActivities
  LeaseActivitiesImpl leaseActivities(TemporalWorkflows workflows) {
    return new LeaseActivitiesImpl(workflows);
  }

  /** Also on the host queue: a recovered point-in-time instance listens on its host's loopback. */
  @Singleton
  @RegisteredActivities(alsoOnHostQueue = true)
  VerificationActivitiesImpl verificationActivities(
      PgServers pg,
      ApplicationSettings application,
      IncidentSettings incident,
      SecretStore secrets,
      VerificationSettings verification,
      FailoverSettings failover) {
    ApplicationLogin login = applicationLogin(incident, application, secrets);
    return new VerificationActivitiesImpl(
            pg,
            application.probeEndpoints(),
            application.connectivityDeadline(),
            incident.traceAsApplicationRole()
                ? new ApplicationLogin(
                    incident.applicationRole(), incident.applicationSecretId(), secrets)
                : null,
            login == null ? null : new ApplicationRoleAccess(login, incident.applicationDatabase()))
        .judging(verification.limits())
        .withHealthUrlRules(
            new HealthUrlRules(
                failover.healthHosts(),
                failover.healthHttpHosts() == null ? List.of() : failover.healthHttpHosts()));
  }

  @Singleton
  @RegisteredActivities
  ApplicationActivitiesImpl applicationActivities(
      ApplicationSettings application,
      IncidentSettings incident,
      SecretStore secrets,
      PgServers servers) {
    List<EndpointPublisher> publishers = new ArrayList<>();
    if (application.envFile() != null) {
      publishers.add(
          new EnvFilePublisher(
              Path.of(application.envFile()),
              application.composeOverride() == null ? null : Path.of(application.composeOverride()),
              application.composeService()));
    }
    if (application.secretId() != null) {
      publishers.add(new SecretPublisher(secrets, application.secretId()));
    }
    return new ApplicationActivitiesImpl(
            application.restartCommand() == null ? List.of() : application.restartCommand(),
            application.restartTimeout(),
            publishers,
            secrets,
            incident.applicationDatabase(),
            application.probeEndpoints().stream().map(URI::toString).toList(),
            applicationLogin(incident, application, secrets))
        .admittingThrough(servers);
  }

  @Singleton
  AuditStore auditStore(PgClient pg, PostgresSettings settings, AuditSettings audit) {
    if (audit.host() == null
        && audit.port() == null
        && audit.user() == null
        && audit.passfile() == null) {
      if (audit.bucket() == null || audit.bucket().isBlank()) {
        // Found in a test that stopped the primary: every procedure waited at its first entry.
        log.warn(
            "The audit trail is on the production server and has no copy (flowviz.audit.bucket"
                + " unset): while that server is down, every recovery waits at its first audit"
                + " entry. Set flowviz.audit.bucket, and flowviz.audit.host for a server of its"
                + " own.");
      }
      return new AuditStore(pg, settings.auditDatabase());
    }
    // A server of its own: the trail outlives the production server a recovery is about.
    PgConnectionSettings base = pg.settings();
    String password = audit.passfile() != null ? null : System.getenv("AUDIT_PGPASSWORD");
    PgClient auditServer =
        new PgClient(
            new PgConnectionSettings(
                audit.host() != null ? audit.host() : base.host(),
                audit.port() != null ? audit.port() : base.port(),
                audit.user() != null ? audit.user() : base.user(),
                password,
                audit.passfile() != null
                    ? Path.of(audit.passfile())
                    : base.passFile().orElse(null)));
    return new AuditStore(auditServer, settings.auditDatabase());
  }

  @Singleton
  AuditCopy auditCopy(AuditSettings audit, StorageSettings storage) {
    if (audit.bucket() == null || audit.bucket().isBlank()) {
      return AuditCopy.NONE;
    }
    String region = audit.region() != null ? audit.region() : storage.region();
    return new S3AuditCopy(
        AwsClients.s3(region, storage.endpoint()), audit.bucket(), audit.prefix());
  }

  @Singleton
  @RegisteredActivities
  AuditActivitiesImpl auditActivities(AuditStore store, AuditCopy copy) {
    return new AuditActivitiesImpl(store, copy);
  }

  @Singleton
  @RegisteredActivities
  DrillActivitiesImpl drillActivities(AuditStore store) {
    return new DrillActivitiesImpl(store);
  }

  @Singleton
  @RegisteredActivities
  NotifyActivitiesImpl notifyActivities(
      NotifySettings settings,
      BeanProvider<SnsClient> sns,
      SecretStore secrets,
      AuditStore ledger) {
    List<NotificationChannel> channels = new ArrayList<>();
    if (settings.snsTopicArn() != null && !settings.snsTopicArn().isBlank()) {
      channels.add(new SnsChannel(sns.get(), settings.snsTopicArn()));
    }
    for (String entry : settings.webhooks() == null ? List.<String>of() : settings.webhooks()) {
      int equals = entry.indexOf('=');
      if (equals <= 0) {
        throw new IllegalStateException(
            "flowviz.notify.webhooks entries are format=url (format: slack, pagerduty or generic),"
                + " not \""
                + entry
                + "\"");
      }
      var format =
          WebhookChannel.Format.valueOf(entry.substring(0, equals).trim().toUpperCase(Locale.ROOT));
      // The routing key is read when the worker starts and kept in memory only.
      String routingKey =
          format == WebhookChannel.Format.PAGERDUTY
              ? secrets
                  .read(settings.pagerdutyRoutingKeySecret())
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "A PagerDuty webhook is configured but the secret "
                                  + settings.pagerdutyRoutingKeySecret()
                                  + " with its routing key does not exist"))
              : null;
      channels.add(
          new WebhookChannel(format, URI.create(entry.substring(equals + 1).trim()), routingKey));
    }
    return new NotifyActivitiesImpl(channels, ledger);
  }

  @Singleton
  @RegisteredActivities
  IncidentActivitiesImpl incidentActivities(
      IncidentSettings settings,
      PrivateKeySource keys,
      PgServers servers,
      SecretStore secrets,
      BackupStores stores,
      AuditStore audit,
      AuditCopy auditCopy,
      ApplicationSettings application) {
    return new IncidentActivitiesImpl(
        keys,
        servers,
        secrets,
        stores.forRegion(null),
        audit,
        auditCopy,
        new IncidentActivitiesImpl.Settings(
            settings.isolatedBucket(),
            settings.isolatedRegion(),
            settings.isolatedPrefix(),
            settings.rotateRoles() == null ? List.of() : settings.rotateRoles(),
            settings.applicationRole(),
            settings.applicationSecretId() != null
                ? settings.applicationSecretId()
                : application.secretId(),
            settings.applicationDatabase(),
            settings.rotateSecrets() == null ? List.of() : settings.rotateSecrets(),
            settings.reportBucket(),
            settings.reportPrefix()));
  }

  @Singleton
  @RegisteredActivities(alsoOnHostQueue = true)
  WorkHostActivitiesImpl workHostActivities(WorkHostName host, WorkDirectory workDirectory) {
    return new WorkHostActivitiesImpl(host.value(), workDirectory);
  }

  @Singleton
  @RegisteredActivities
  BackupActivitiesImpl backupActivities(
      PgClient pg,
      PgBinaries binaries,
      BackupStore unsigned,
      GpgSettings gpg,
      SecretStore secrets) {
    return new BackupActivitiesImpl(
        pg, binaries, signing(unsigned, gpg, secrets), recipientKeys(gpg));
  }

  /**
   * The store backups write through: everything they upload (archive, manifests, globals) gets its
   * detached signature beside it.
   */
  private static BackupStore signing(BackupStore unsigned, GpgSettings gpg, SecretStore secrets) {
    return new SigningBackupStore(
        unsigned,
        new BackupSigningKey(secrets, gpg.signingKeySecretId(), gpg.signingPassphraseSecretId()));
  }

  /**
   * The backup key backups encrypt to. A worker that only restores needs none; a backup then fails
   * with the message this path makes.
   */
  private static RecipientKeys recipientKeys(GpgSettings gpg) {
    return new RecipientKeys(
        Path.of(
            gpg.publicKeyFile() == null
                ? "(flowviz.gpg.public-key-file is not set)"
                : gpg.publicKeyFile()));
  }

  @Singleton
  @RegisteredActivities
  BaseBackupActivitiesImpl baseBackupActivities(
      PgServers servers,
      PgBinaries binaries,
      BackupStore unsigned,
      GpgSettings gpg,
      SecretStore secrets,
      BaseBackupSettings baseBackups) {
    return new BaseBackupActivitiesImpl(
        servers,
        binaries,
        signing(unsigned, gpg, secrets),
        recipientKeys(gpg),
        // Retention decides on the manifests' word: only flowviz-dr's signed ones count.
        new ArchiveRetention(unsigned, trustedSigners(gpg, () -> secrets)),
        BaseBackupActivitiesImpl.DEFAULT_ARCHIVE_WAIT_LIMIT,
        BaseBackupCompression.named(baseBackups.compression()));
  }

  /**
   * Point-in-time recovery onto local instances, under the local provisioner's root: the restore
   * and the recovery run on the host that holds the instance's data directory (its own queue).
   */
  @Singleton
  @RegisteredActivities(alsoOnHostQueue = true)
  PointInTimeActivitiesImpl pointInTimeActivities(
      BackupStore unsigned,
      PrivateKeySource keys,
      PgBinaries binaries,
      GpgSettings gpg,
      BeanProvider<SecretStore> secrets,
      ProvisionSettings provision,
      ServerRegistry registry) {
    return new PointInTimeActivitiesImpl(
        unsigned,
        trustedSigners(gpg, secrets::get),
        keys,
        binaries,
        localRoot(provision),
        registry);
  }

  /**
   * Point-in-time recovery of a managed production database (RDS, Aurora) through the service's own
   * restore; AWS_REGION and AWS_ENDPOINT_URL as for every AWS client, a request's region where it
   * names one.
   */
  @Singleton
  @RegisteredActivities
  RdsPointInTimeActivitiesImpl managedPointInTimeActivities(
      StorageSettings storage, ServerRegistry registry) {
    Map<String, RdsClient> clients = new ConcurrentHashMap<>();
    return new RdsPointInTimeActivitiesImpl(
        region -> {
          // "" stands for the SDK's own region chain (AWS_REGION): a map takes no null key.
          String key = region != null ? region : storage.region() != null ? storage.region() : "";
          return clients.computeIfAbsent(key, r -> AwsClients.rds(r.isEmpty() ? null : r, null));
        },
        registry,
        Duration.ofSeconds(15));
  }

  private static Path localRoot(ProvisionSettings settings) {
    return settings.localRoot() != null
        ? Path.of(settings.localRoot())
        : Path.of(System.getProperty("java.io.tmpdir"), "flowviz-dr-instances");
  }

  /** The RPO exposure of WAL archiving, for the freshness monitor and the worker's metrics. */
  @Singleton
  @RegisteredActivities
  WalExposureActivitiesImpl walExposureActivities(PgServers servers, BackupStores stores) {
    return new WalExposureActivitiesImpl(servers, new ArchiveContentsReader(stores));
  }

  /** The name of this host's task queue. */
  public record WorkHostName(String value) {}
}
