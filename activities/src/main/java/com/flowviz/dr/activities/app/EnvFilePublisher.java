package com.flowviz.dr.activities.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The endpoint as an env file the application's compose service reads (DB_HOST, DB_PORT, DB_NAME,
 * DB_USER, DB_PASSWORD), mode 0600, and optionally a compose override that points the service at
 * it. Both are replaced atomically, so the application never reads half a file.
 */
public final class EnvFilePublisher implements EndpointPublisher {
  private final Path envFile;
  private final Path composeOverride;
  private final String service;

  /**
   * @param composeOverride null for none
   */
  public EnvFilePublisher(Path envFile, Path composeOverride, String service) {
    this.envFile = envFile.toAbsolutePath();
    this.composeOverride = composeOverride == null ? null : composeOverride.toAbsolutePath();
    this.service = service;
  }

  /**
   * A credential line of the file as it is: kept when no application role is configured to publish
   * instead.
   */
  private String kept(String prefix) throws IOException {
    if (!Files.isRegularFile(envFile)) {
      return null;
    }
    return Files.readAllLines(envFile).stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()))
        .filter(v -> !v.isEmpty())
        .findFirst()
        .orElse(null);
  }

  @Override
  public String publish(DatabaseEndpoint endpoint) throws IOException {
    String user = endpoint.user() != null ? endpoint.user() : kept("DB_USER=");
    String password = endpoint.user() != null ? endpoint.password() : kept("DB_PASSWORD=");
    String env =
        String.join(
                "\n",
                "# Written by flowviz-dr (runbook 4.3 step 5): the database the application uses.",
                "DB_HOST=" + endpoint.host(),
                "DB_PORT=" + endpoint.port(),
                "DB_NAME=" + endpoint.database(),
                "DB_USER=" + (user == null ? "" : user),
                "DB_PASSWORD=" + (password == null ? "" : password),
                "DATABASE_URL=postgresql://"
                    + (user == null ? "" : user + "@")
                    + endpoint.host()
                    + ":"
                    + endpoint.port()
                    + "/"
                    + endpoint.database())
            + "\n";
    writeAtomically(envFile, env, "rw-------");
    if (composeOverride == null) {
      return "env file " + envFile;
    }
    String compose =
        "# Written by flowviz-dr (runbook 4.3 step 5).\n"
            + "services:\n"
            + "  "
            + service
            + ":\n"
            + "    env_file:\n"
            + "      - "
            + envFile
            + "\n";
    writeAtomically(composeOverride, compose, "rw-r--r--");
    return "env file " + envFile + " and compose override " + composeOverride;
  }

  private static void writeAtomically(Path target, String content, String permissions)
      throws IOException {
    Files.createDirectories(target.getParent());
    Path temp =
        Files.createTempFile(
            target.getParent(),
            "." + target.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temp, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(permissions));
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
