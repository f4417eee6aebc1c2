package com.flowviz.dr.activities.provision;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.workflows.FailureTypes;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class ProvisionActivitiesImpl implements ProvisionActivities {

  private static final Logger log = LoggerFactory.getLogger(ProvisionActivitiesImpl.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,48}[a-z0-9]");

  private final Provisioner provisioner;
  private final SecretStore secrets;

  public ProvisionActivitiesImpl(Provisioner provisioner, SecretStore secrets) {
    this.provisioner = provisioner;
    this.secrets = secrets;
  }

  /** Where an instance's admin password is kept. */
  public static String passwordSecret(String instance) {
    return "flowviz/dr/instances/" + instance + "/admin-password";
  }

  @Override
  public ProvisionedInstance provisionInstance(InstanceSpec spec) {
    requireName(spec.name());
    String secretName = passwordSecret(spec.name());
    // The password is kept before the instance is made, so a retry after a crash makes (or
    // finds) the instance with the same password.
    String password = secrets.read(secretName).orElseGet(() -> {
      String generated = generatePassword();
      secrets.write(secretName, generated);
      return generated;
    });
    try {
      Optional<Provisioner.Endpoint> existing = keepAlive(spec, () -> provisioner.find(spec));
      Provisioner.Endpoint endpoint = existing.isPresent() ? existing.get() : keepAlive(spec, () -> provisioner.create(spec, password));
      log.info("{} instance {} at {}:{} ({})", existing.isPresent() ? "Reusing" : "Provisioned", spec.name(), endpoint.host(), endpoint.port(), provisioner.kind());
      return new ProvisionedInstance(
          spec.name(), provisioner.kind(), new PgServer(endpoint.host(), endpoint.port(), endpoint.user(), secretName),
          existing.isPresent(), endpoint.details());
    } catch (ProvisioningException e) {
      throw NonRetryable.failure(FailureTypes.CONFIGURATION, e.getMessage());
    }
  }

  @Override
  public boolean teardownInstance(InstanceSpec spec) {
    requireName(spec.name());
    String secretName = passwordSecret(spec.name());
    try {
      boolean destroyed = keepAlive(spec, () -> provisioner.destroy(spec, secrets.read(secretName).orElse("unused")));
      secrets.delete(secretName);
      log.info("Tore down instance {} ({}): {}", spec.name(), provisioner.kind(), destroyed ? "removed" : "there was none");
      return destroyed;
    } catch (ProvisioningException e) {
      throw NonRetryable.failure(FailureTypes.CONFIGURATION, e.getMessage());
    }
  }

  /** Provisioning blocks in initdb, docker or terraform with no progress to report; the heartbeat says the worker lives. */
  private static <T> T keepAlive(InstanceSpec spec, java.util.concurrent.Callable<T> call) {
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
          "Instance name \"" + name + "\" is not usable: 3 to 50 characters of a-z, 0-9 and '-', starting with a letter.");
    }
  }

  private static String generatePassword() {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }
}
