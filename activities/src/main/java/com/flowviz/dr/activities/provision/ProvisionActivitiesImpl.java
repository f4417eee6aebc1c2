package com.flowviz.dr.activities.provision;

import com.flowviz.dr.activities.app.PublishedEndpoints;
import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.ServerNames;
import com.flowviz.dr.activities.postgres.ServerRegistry;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.workflows.FailureTypes;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class ProvisionActivitiesImpl implements ProvisionActivities {

  private static final Logger log = LoggerFactory.getLogger(ProvisionActivitiesImpl.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,48}[a-z0-9]");

  private final Provisioner provisioner;
  private final SecretStore secrets;
  private final ServerRegistry registry;
  private final PublishedEndpoints published;

  public ProvisionActivitiesImpl(Provisioner provisioner, SecretStore secrets) {
    this(provisioner, secrets, ServerRegistry.recordingIn(secrets), PublishedEndpoints.none());
  }

  /**
   * @param registry where made instances are recorded as "instance:&lt;name&gt;"; null for none
   * @param published what the application is told now: that instance is never torn down
   */
  public ProvisionActivitiesImpl(
      Provisioner provisioner,
      SecretStore secrets,
      ServerRegistry registry,
      PublishedEndpoints published) {
    this.provisioner = provisioner;
    this.secrets = secrets;
    this.registry = registry;
    this.published = published;
  }

  /**
   * The registry's view of an instance, from its provisioner: present only when it carries this
   * tool's mark.
   */
  public static Optional<ServerRegistry.Entry> ownedInstance(Provisioner provisioner, String name) {
    try {
      return provisioner
          .find(new InstanceSpec(name, null))
          .map(
              e ->
                  new ServerRegistry.Entry(
                      ServerRegistry.instanceName(name),
                      e.host(),
                      e.port(),
                      e.user(),
                      passwordSecret(name)));
    } catch (ProvisioningException e) {
      return Optional.empty();
    }
  }

  /** Where an instance's admin password is kept. */
  public static String passwordSecret(String instance) {
    return ServerNames.instanceSecret(instance);
  }

  @Override
  public ProvisionedInstance provisionInstance(InstanceSpec spec) {
    requireName(spec.name());
    String secretName = passwordSecret(spec.name());
    try {
      // Found first: an instance of that name without this tool's mark is refused before any
      // secret is written.
      Optional<Provisioner.Endpoint> existing = keepAlive(spec, () -> provisioner.find(spec));
      Provisioner.Endpoint endpoint;
      if (existing.isPresent()) {
        endpoint = existing.get();
      } else {
        // The password is kept before the instance is made, so a retry after a crash makes (or
        // finds) the instance with the same password.
        String password =
            secrets
                .read(secretName)
                .orElseGet(
                    () -> {
                      String generated = generatePassword();
                      secrets.write(secretName, generated);
                      return generated;
                    });
        endpoint = keepAlive(spec, () -> provisioner.create(spec, password));
      }
      String name = ServerRegistry.instanceName(spec.name());
      if (registry != null) {
        registry.record(
            new ServerRegistry.Entry(
                name, endpoint.host(), endpoint.port(), endpoint.user(), secretName));
      }
      log.info(
          "{} instance {} at {}:{} ({})",
          existing.isPresent() ? "Reusing" : "Provisioned",
          spec.name(),
          endpoint.host(),
          endpoint.port(),
          provisioner.kind());
      return new ProvisionedInstance(
          spec.name(),
          provisioner.kind(),
          new PgServer(endpoint.host(), endpoint.port(), endpoint.user(), secretName, name),
          existing.isPresent(),
          endpoint.details());
    } catch (ForeignInstanceException e) {
      throw NonRetryable.failure(FailureTypes.INVALID_INPUT, e.getMessage());
    } catch (ProvisioningException e) {
      throw NonRetryable.failure(FailureTypes.CONFIGURATION, e.getMessage());
    }
  }

  @Override
  public boolean teardownInstance(InstanceSpec spec) {
    requireName(spec.name());
    String secretName = passwordSecret(spec.name());
    try {
      // Where the instance listens, from the registry (finding it would start it): the
      // application's current database is never torn down. The mark is checked by destroy.
      Optional<ServerRegistry.Entry> recorded =
          registry == null
              ? Optional.empty()
              : registry.recorded(ServerRegistry.instanceName(spec.name()));
      if (recorded.isPresent()) {
        Optional<String> where =
            published.publishedAt(recorded.get().host(), recorded.get().port());
        if (where.isPresent()) {
          throw NonRetryable.failure(
              FailureTypes.INVALID_INPUT,
              "The instance "
                  + spec.name()
                  + " at "
                  + recorded.get().host()
                  + ":"
                  + recorded.get().port()
                  + " is the database the application"
                  + " is told to use ("
                  + where.get()
                  + "); it is not torn down, and nothing was changed. Repoint the application"
                  + " first.");
        }
      }
      boolean destroyed =
          keepAlive(
              spec, () -> provisioner.destroy(spec, secrets.read(secretName).orElse("unused")));
      secrets.delete(secretName);
      if (registry != null) {
        registry.forget(ServerRegistry.instanceName(spec.name()));
      }
      log.info(
          "Tore down instance {} ({}): {}",
          spec.name(),
          provisioner.kind(),
          destroyed ? "removed" : "there was none");
      return destroyed;
    } catch (ForeignInstanceException e) {
      throw NonRetryable.failure(FailureTypes.INVALID_INPUT, e.getMessage());
    } catch (ProvisioningException e) {
      throw NonRetryable.failure(FailureTypes.CONFIGURATION, e.getMessage());
    }
  }

  /**
   * Provisioning blocks in initdb, docker or terraform with no progress to report; the heartbeat
   * says the worker lives.
   */
  private static <T> T keepAlive(InstanceSpec spec, Callable<T> call) {
    try {
      return Heartbeats.keepAlive("provisioning " + spec.name(), call);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void requireName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "Instance name \""
              + name
              + "\" is not usable: 3 to 50 characters of a-z, 0-9 and '-', starting with a"
              + " letter.");
    }
  }

  private static String generatePassword() {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }
}
