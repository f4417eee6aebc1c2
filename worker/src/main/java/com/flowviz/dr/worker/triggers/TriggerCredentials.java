package com.flowviz.dr.worker.triggers;

import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.worker.config.TriggerSettings;
import io.micronaut.context.BeanProvider;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bearer token and HMAC key callers prove themselves with, read from a file (a Kubernetes
 * secret mount) or the secret store. Read per request, so a rotated credential takes effect without
 * a restart; never logged, never part of a response.
 */
@Singleton
public class TriggerCredentials {

  private final TriggerSettings settings;
  private final BeanProvider<SecretStore> secrets;

  public TriggerCredentials(TriggerSettings settings, BeanProvider<SecretStore> secrets) {
    this.settings = settings;
    this.secrets = secrets;
  }

  public Optional<byte[]> bearerToken() {
    return read(settings.tokenFile(), settings.tokenSecret());
  }

  public Optional<byte[]> hmacKey() {
    return read(settings.hmacKeyFile(), settings.hmacKeySecret());
  }

  private Optional<byte[]> read(String file, String secret) {
    if (file != null && !file.isBlank()) {
      try {
        return Optional.of(
                Files.readString(Path.of(file), StandardCharsets.UTF_8)
                    .strip()
                    .getBytes(StandardCharsets.UTF_8))
            .filter(b -> b.length > 0);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read the trigger credential file " + file + ": " + e.getMessage(), e);
      }
    }
    if (secret != null && !secret.isBlank()) {
      return secrets
          .get()
          .read(secret)
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .map(s -> s.getBytes(StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }
}
